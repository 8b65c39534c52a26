export type { CredentialSealer, KeyKind } from './types.ts';
export { generateApiKey, hashApiKey, keyKindOf } from './keys.ts';
export { createSealer, openCredentials, sealCredentials } from './seal.ts';
export { loadSecretKey, parseSecretKey, SECRET_KEY_ENV, SECRET_KEY_FILE } from './key-file.ts';
