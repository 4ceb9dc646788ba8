// Optic's second opinion on the kit's breaking-change checker, shard 3 of 3 of the table (test/helpers/optic.ts).
import { opticSecondOpinion } from '../helpers/optic.js';

opticSecondOpinion(3, 3);
