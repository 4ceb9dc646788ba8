// A consumer's contract test, as the workflow runs it: your code's calls against the contract's mock
// (ADA_BASE_URL), each answer checked by the client against the contract. Replace the calls with those
// your code makes (through its own functions, under test here).
import { AdaValidationError, ConflictError, createAdaClient, NotFoundError, validateUpdateEndUserRequest } from 'ada-end-users-contract';
import { expect, it } from 'vitest';

const baseUrl = process.env.ADA_BASE_URL;
if (!baseUrl) throw new Error('ADA_BASE_URL is not set: start the mock (npx ada-end-users-contract mock) and point it there');
const ada = createAdaClient({ baseUrl, token: 'test-token', validateResponses: true });

it('an update Ada accepts comes back as an end user', async () => {
  const user = await ada.updateEndUser('5f7e0e2c1e7c7e000f0f9c3a', { profile: { first_name: 'Ada', metadata: { plan: 'pro' } } });
  expect(typeof user.end_user_id).toBe('string');
});

it('a body Ada refuses never leaves the process, and says which field and rule', async () => {
  const body = { profile: { firstName: 'Ada' } };
  expect(validateUpdateEndUserRequest(body).ok).toBe(false);
  // @ts-expect-error: the types refuse it too
  await expect(ada.updateEndUser('5f7e0e2c1e7c7e000f0f9c3a', body)).rejects.toBeInstanceOf(AdaValidationError);
});

it('Ada’s documented errors arrive as their own classes (the mock answers any documented status on request)', async () => {
  const conflict = { headers: { Prefer: 'code=409' } };
  await expect(ada.updateEndUser('5f7e0e2c1e7c7e000f0f9c3a', { external_id: 'crm-1', profile: {} }, conflict)).rejects.toBeInstanceOf(
    ConflictError,
  );
  await expect(ada.getEndUser('5f7e0e2c1e7c7e000f0f9c3a', { headers: { Prefer: 'code=404' } })).rejects.toBeInstanceOf(NotFoundError);
});
