/**
 * Text that came from a container or a certificate (command output, reasons, warnings), made
 * safe for a terminal: control characters (escape sequences could move the cursor, retitle
 * the window or hide lines), line breaks inside a table cell, and bidirectional overrides
 * (which can make text read differently than it is) are shown as `\uXXXX` escapes.
 */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are escaped
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
