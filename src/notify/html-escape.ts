// Every string that came from a user or a platform (titles, creators, URLs, error reasons) passes through here
// before it is placed in HTML, as element text or as a quoted attribute value.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}
