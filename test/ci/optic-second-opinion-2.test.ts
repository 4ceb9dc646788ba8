// Optic's second opinion on the kit's breaking-change checker, shard 2 of 2 of the table (test/helpers/optic.ts).
import { opticSecondOpinion } from '../helpers/optic.js';

opticSecondOpinion(2, 2);
