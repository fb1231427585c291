/**
 * Share links: the edited files, compressed into the URL, so another person opens exactly that code. deflate-raw via
 * the browser's CompressionStream keeps a typical lesson's code to a few hundred URL characters; base64url keeps it
 * safe in a hash.
 */
export type FileMap = Record<string, string>;

export async function encodeFiles(files: FileMap): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(files));
  const compressed = await pipe(json, new CompressionStream('deflate-raw'));
  return toBase64Url(compressed);
}

export async function decodeFiles(encoded: string): Promise<FileMap | undefined> {
  try {
    const bytes = fromBase64Url(encoded);
    const json = await pipe(bytes, new DecompressionStream('deflate-raw'));
    const value: unknown = JSON.parse(new TextDecoder().decode(json));
    if (typeof value !== 'object' || value === null) return undefined;
    const files: FileMap = {};
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') files[k] = v;
    return files;
  } catch {
    return undefined; // a damaged link opens the lesson's own code rather than failing
  }
}

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
