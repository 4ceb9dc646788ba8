// The stateful fake's memory: end users as Ada documents them. Create (upsert by external_id,
// case-insensitive), get, look up, update (the profile fields sent; external_id set, cleared or in
// conflict), and pages in a stable order. sensitive_metadata is kept and never handed out. Every
// choice Ada leaves open is an option, documented in docs/fake.md ("A stateful fake").
import { randomBytes } from 'node:crypto';
import type { components } from '../../generated/schema.js';
import { formatValidationIssues, jsonByteLength, validateEndUserResponse } from '../contract/validation.js';
import { metadataLimit } from '../contract/limits.js';

type EndUser = components['schemas']['EndUser'];
type Profile = components['schemas']['EndUserProfileUpdate'];
type ProfileOut = components['schemas']['EndUserProfile'];

export interface StoreOptions {
  /** What an update does to `profile.metadata` (Ada is silent): `merge` keys into the stored ones (default), or `replace` the object. */
  metadata?: 'merge' | 'replace';
  /** What a create that finds an end user by external_id does with its profile (Ada says only "returned"): `ignore` (default) or `apply`. */
  upsertProfile?: 'ignore' | 'apply';
}

/** An end user to start with: what Ada would return (ids and timestamps are made where absent). */
export type SeedEndUser = Partial<Omit<EndUser, 'profile'>> & { profile?: Partial<ProfileOut> };

/** What changed in a write: the fake sends `v1.end_user.updated` only when a profile value changed. */
export interface Change {
  endUser: EndUser;
  profileChanged: boolean;
}

interface Stored {
  id: string;
  externalId: string | null;
  profile: Record<string, unknown>;
  sensitive: Map<string, unknown>;
  /** Where it stands in creation order (set when added): a page from a cursor starts there. */
  position: number;
  createdAt: string;
  updatedAt: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: 400 | 404 | 409; type: string; message: string };

const PROFILE_FIELDS = ['first_name', 'last_name', 'display_name', 'avatar', 'email', 'language'] as const;

/** An external_id as the store compares them: Ada stores external_id case-insensitively. */
const fold = (externalId: string) => externalId.toLowerCase();

/** A timestamp as Ada shows them: `2020-09-20T00:00:00+00:00`. */
function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export class EndUserStore {
  /** End users by id, in creation order (a Map keeps it). */
  private readonly byId = new Map<string, Stored>();
  /** The same, by case-folded external_id: a lookup or an upsert is one step, not a scan. */
  private readonly byExternalId = new Map<string, Stored>();
  /** In creation order, for pages. */
  private readonly order: Stored[] = [];
  private readonly options: Required<StoreOptions>;

  constructor(options: StoreOptions = {}, seed: readonly SeedEndUser[] = []) {
    this.options = { metadata: options.metadata ?? 'merge', upsertProfile: options.upsertProfile ?? 'ignore' };
    this.seed(seed);
  }

  /** Forgets every end user, then holds the seed again (none by default). */
  reset(seed: readonly SeedEndUser[] = []): void {
    this.byId.clear();
    this.byExternalId.clear();
    this.order.length = 0;
    this.seed(seed);
  }

  get size(): number {
    return this.byId.size;
  }

  create(body: { external_id?: string | null; profile?: Profile }): Outcome<Change & { created: boolean }> {
    const externalId = body.external_id || null; // '' names no one
    const existing = externalId === null ? undefined : this.holderOf(externalId);
    if (existing) {
      if (this.options.upsertProfile === 'apply' && body.profile) {
        if (this.mergedMetadataTooLarge(existing, body.profile)) return metadataTooLarge();
        const sensitiveChanged = this.applySensitive(existing, body.profile.sensitive_metadata);
        const profileChanged = this.applyProfile(existing, body.profile);
        if (profileChanged || sensitiveChanged) this.touch(existing);
        return { ok: true, value: { endUser: this.view(existing), profileChanged, created: false } };
      }
      return { ok: true, value: { endUser: this.view(existing), profileChanged: false, created: false } };
    }
    const now = stamp(new Date());
    const stored: Stored = {
      id: this.newId(),
      externalId,
      profile: {},
      sensitive: new Map(),
      position: -1,
      createdAt: now,
      updatedAt: now,
    };
    this.applyProfile(stored, body.profile ?? {});
    this.applySensitive(stored, body.profile?.sensitive_metadata);
    this.add(stored);
    return { ok: true, value: { endUser: this.view(stored), profileChanged: true, created: true } };
  }

  get(id: string): Outcome<EndUser> {
    const stored = this.byId.get(id);
    return stored ? { ok: true, value: this.view(stored) } : notFound(`No end user has the end_user_id ${id}.`);
  }

  findByExternalId(externalId: string): Outcome<EndUser> {
    const stored = this.holderOf(externalId);
    return stored ? { ok: true, value: this.view(stored) } : notFound('No end user has this external_id.');
  }

  update(id: string, body: { external_id?: string | null; profile: Profile }): Outcome<Change> {
    const stored = this.byId.get(id);
    if (!stored) return notFound(`No end user has the end_user_id ${id}.`);
    if (this.mergedMetadataTooLarge(stored, body.profile)) return metadataTooLarge();
    let changed = false;
    if (body.external_id !== undefined) {
      const externalId = body.external_id || null;
      const holder = externalId === null ? undefined : this.holderOf(externalId);
      if (holder && holder !== stored) {
        return { ok: false, status: 409, type: 'conflict', message: 'The external_id is already assigned to a different end user.' };
      }
      if (externalId !== stored.externalId) {
        if (stored.externalId !== null) this.byExternalId.delete(fold(stored.externalId));
        stored.externalId = externalId;
        if (externalId !== null) this.byExternalId.set(fold(externalId), stored);
        changed = true;
      }
    }
    const sensitiveChanged = this.applySensitive(stored, body.profile.sensitive_metadata);
    const profileChanged = this.applyProfile(stored, body.profile);
    if (changed || sensitiveChanged || profileChanged) this.touch(stored);
    return { ok: true, value: { endUser: this.view(stored), profileChanged } };
  }

  /** A page from `cursor` (an end_user_id, inclusive) in creation order, and the id that starts the next one. */
  page(limit: number, cursor?: string): Outcome<{ data: EndUser[]; next: string | null }> {
    const start = cursor === undefined ? 0 : this.byId.get(cursor)?.position;
    if (start === undefined) return { ok: false, status: 400, type: 'validation_error', message: 'The cursor names no end user.' };
    const data = this.order.slice(start, start + limit).map((stored) => this.view(stored));
    return { ok: true, value: { data, next: this.order[start + limit]?.id ?? null } };
  }

  /** The sensitive keys stored for an end user (never their values): for tests of the write-only field. */
  sensitiveKeys(id: string): string[] {
    return [...(this.byId.get(id)?.sensitive.keys() ?? [])];
  }

  private seed(seed: readonly SeedEndUser[]): void {
    if (!Array.isArray(seed)) throw new TypeError('seed must be an array of end users');
    for (const [index, user] of seed.entries()) {
      if (typeof user !== 'object' || user === null || Array.isArray(user))
        throw new TypeError(`seed[${index}] must be an end user object`);
      const now = stamp(new Date());
      const stored: Stored = {
        id: user.end_user_id ?? this.newId(),
        externalId: user.external_id ?? null,
        profile: {},
        sensitive: new Map(),
        position: -1, // set by add()
        createdAt: user.created_at ?? now,
        updatedAt: user.updated_at ?? user.created_at ?? now,
      };
      // Own keys as given, `__proto__` included (Object.assign would set the prototype instead and drop it).
      stored.profile = Object.fromEntries(Object.entries(user.profile ?? {}).filter(([key]) => key !== 'system_properties'));
      const at = `seed[${index}]`;
      if (this.byId.has(stored.id)) throw new TypeError(`${at}: end_user_id ${stored.id} is another seeded end user's`);
      if (stored.externalId && this.holderOf(stored.externalId))
        throw new TypeError(`${at}: external_id ${stored.externalId} is another seeded end user's`);
      // The fake answers only what the contract allows: a seed it could not answer is refused at once.
      const verdict = validateEndUserResponse(this.view(stored));
      if (!verdict.ok) throw new TypeError(`${at} is not an end user the contract allows:\n${formatValidationIssues(verdict.errors)}`);
      this.add(stored);
    }
  }

  private add(stored: Stored): void {
    this.byId.set(stored.id, stored);
    if (stored.externalId !== null) this.byExternalId.set(fold(stored.externalId), stored);
    stored.position = this.order.length;
    this.order.push(stored);
  }

  private holderOf(externalId: string): Stored | undefined {
    return this.byExternalId.get(fold(externalId));
  }

  /** The profile fields the body sends; returns whether a value the API returns changed. */
  private applyProfile(stored: Stored, profile: Profile): boolean {
    let changed = false;
    const set = (key: string, value: unknown) => {
      if (JSON.stringify(stored.profile[key]) === JSON.stringify(value)) return;
      stored.profile[key] = value;
      changed = true;
    };
    for (const field of PROFILE_FIELDS) if (profile[field] !== undefined) set(field, profile[field]);
    if (profile.metadata !== undefined) {
      const current = stored.profile.metadata as Record<string, unknown> | null | undefined;
      set(
        'metadata',
        profile.metadata === null || this.options.metadata === 'replace' || !current
          ? profile.metadata
          : { ...current, ...profile.metadata },
      );
    }
    return changed;
  }

  /** Whether merging this profile's metadata into the stored one would pass Ada's limit (each request alone is checked by the contract). */
  private mergedMetadataTooLarge(stored: Stored, profile: Profile): boolean {
    const current = stored.profile.metadata as Record<string, unknown> | null | undefined;
    if (this.options.metadata === 'replace' || !profile.metadata || !current) return false;
    return jsonByteLength({ ...current, ...profile.metadata }) > metadataLimit.bytes;
  }

  /** `fields` set (null removes a key); `null` for the whole object forgets them all (Ada is silent on it). */
  private applySensitive(stored: Stored, sensitive: Profile['sensitive_metadata']): boolean {
    if (sensitive === undefined) return false;
    const before = JSON.stringify([...stored.sensitive]);
    if (sensitive === null) stored.sensitive.clear();
    else {
      for (const [key, value] of Object.entries(sensitive.fields)) {
        if (value === null) stored.sensitive.delete(key);
        else stored.sensitive.set(key, value);
      }
    }
    return JSON.stringify([...stored.sensitive]) !== before;
  }

  /** updated_at moves on every change, even two in the same second (a second later than the last). */
  private touch(stored: Stored): void {
    const now = Date.now();
    const last = Date.parse(stored.updatedAt);
    stored.updatedAt = stamp(new Date(Math.max(now, last + 1000)));
  }

  private view(stored: Stored): EndUser {
    return {
      end_user_id: stored.id,
      external_id: stored.externalId,
      profile: { ...(structuredClone(stored.profile) as ProfileOut), system_properties: { sunshine_user_id: null } },
      created_at: stored.createdAt,
      updated_at: stored.updatedAt,
    };
  }

  private newId(): string {
    for (;;) {
      const id = randomBytes(12).toString('hex'); // 24 hexadecimal characters, as Ada's examples
      if (!this.byId.has(id)) return id;
    }
  }
}

function notFound(message: string): Outcome<never> {
  return { ok: false, status: 404, type: 'not_found', message };
}

/** Ada's answer when metadata would pass its limit (a merge can reach it although each request is under it). */
function metadataTooLarge(): Outcome<never> {
  return { ok: false, status: 400, type: 'bad_request', message: metadataLimit.message };
}
