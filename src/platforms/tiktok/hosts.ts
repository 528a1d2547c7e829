/** The name recorded as a snapshot's `provider`. */
export const TIKTOK_WEB_SOURCE = 'tiktok-web';

/** Every host a TikTok request or redirect hop may reach (invariant 5 in docs/architecture.md). */
export const TIKTOK_HOSTS: readonly string[] = [
  'www.tiktok.com',
  'm.tiktok.com',
  'vm.tiktok.com',
  'vt.tiktok.com',
  'tiktok.com',
];
