/** `%text%` for LIKE/ILIKE with the wildcards in `text` escaped, so a search for "100%" means the text. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
