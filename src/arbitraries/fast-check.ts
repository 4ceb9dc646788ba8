// fast-check is an optional peer dependency, as Prism is: only ada-end-users-contract/testing uses it (the
// arbitraries, and verify's generated bodies), so a production install of the root entry does not carry
// it (1.8 MB with pure-rand). Missing, importing /testing says what to install.
import type * as FastCheck from 'fast-check';

/** The range `package.json` names for the peer (a test holds the two together). */
export const FAST_CHECK_RANGE = '^4.11.0';

/** fast-check, or an error saying how to install it. (`load` is replaceable for the test of that error.) */
export async function loadFastCheck(load: () => Promise<unknown> = () => import('fast-check')): Promise<typeof FastCheck> {
  try {
    const module = (await load()) as { default?: typeof FastCheck } & typeof FastCheck;
    return module.default ?? module;
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: string; message?: string };
    if (code === 'ERR_MODULE_NOT_FOUND' && String(message).includes('fast-check')) {
      throw new Error(
        `ada-end-users-contract/testing needs fast-check, an optional peer dependency: npm install --save-dev fast-check@${FAST_CHECK_RANGE}`,
        { cause: error },
      );
    }
    throw error;
  }
}

export const fc = await loadFastCheck();
