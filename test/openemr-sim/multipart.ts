/** Just enough multipart/form-data parsing for the document upload route: the first part with a file. */

export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export function multipartFile(contentType: string | undefined, body: Buffer): UploadedFile | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!/^multipart\/form-data/i.test(contentType ?? '') || !boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(at + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      if (filename) {
        const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
        return { filename, contentType: type, data: part.subarray(headerEnd + 4, part.length - 2) };
      }
    }
    at = next;
  }
  return undefined;
}
