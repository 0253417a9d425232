/** Small helpers over node:http: capped body reading, answers, forms. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this are refused (PHP's post_max_size plays this role in OpenEMR). */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer = '',
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Cache-Control': 'no-store', ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  send(res, status, JSON.stringify(body), { 'Content-Type': contentType });
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  send(res, status, html, { 'Content-Type': 'text/html; charset=utf-8' });
}

export function redirect(res: ServerResponse, location: string): void {
  send(res, 302, '', { Location: location });
}

export function parseForm(body: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

/** All values of a repeated form field (checkbox groups). */
export function formAll(body: Buffer, name: string): string[] {
  return new URLSearchParams(body.toString('utf8')).getAll(name);
}

export function isLoopback(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}
