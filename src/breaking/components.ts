// Components: judged where a walk reached them; one no walk reached that differs cannot be judged.
import type { Json } from '../contract/json-pointer.js';
import { child, deepEqual, type Judge } from './judge.js';

/** Component sections openapi-typescript exports as types: a removed or renamed entry breaks code. */
const TYPED_COMPONENTS = ['schemas', 'responses', 'parameters', 'requestBodies', 'headers', 'pathItems'];

/**
 * Components: where a walk reached them, judged there. A component no walk reached that differs cannot
 * be judged; one removed from a section openapi-typescript exports breaks code that names its type.
 */
export function compareComponents(judge: Judge): void {
  const { base, head } = judge;
  const sections = new Set([...Object.keys(base.components ?? {}), ...Object.keys(head.components ?? {})]);
  for (const section of sections) {
    const before: Record<string, Json> = base.components?.[section] ?? {};
    const after: Record<string, Json> = head.components?.[section] ?? {};
    for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const pointer = child(child('#/components', section), name);
      if (!Object.hasOwn(after, name)) {
        if (TYPED_COMPONENTS.includes(section)) judge.add(pointer, 'component removed (the generated types export it)', true);
        continue;
      }
      if (!Object.hasOwn(before, name)) {
        if (TYPED_COMPONENTS.includes(section)) judge.add(pointer, 'component added', false);
        continue;
      }
      // Examples only document; security schemes are judged where operations require them.
      if (section === 'examples' || section === 'securitySchemes' || judge.visited.has(pointer)) continue;
      if (!deepEqual(before[name], after[name])) judge.cannotJudge.add(pointer);
    }
  }
}
