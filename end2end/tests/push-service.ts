import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';

/**
 * The suite's own push service: takes what the desk posts to a device's endpoint and opens it
 * as the browser would (RFC 8291 with Node's own ECDH, HKDF and AES-GCM). Headless Chromium
 * has no push service of its own to subscribe with, so the test hands the page this one's
 * endpoint and delivers the opened message to the service worker through DevTools.
 */
export type Delivery = { device: string; headers: http.IncomingHttpHeaders; body: Buffer };

export class PushService {
  deliveries: Delivery[] = [];
  private constructor(private server: http.Server, public port: number) {}

  static async start(): Promise<PushService> {
    const deliveries: Delivery[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const device = (req.url ?? '').split('/').pop() ?? '';
        deliveries.push({ device, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    const service = new PushService(server, (server.address() as AddressInfo).port);
    service.deliveries = deliveries;
    return service;
  }

  stop() {
    this.server.close();
  }

  device(): Device {
    const id = crypto.randomBytes(8).toString('hex');
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = crypto.randomBytes(16);
    return {
      id,
      endpoint: `http://127.0.0.1:${this.port}/push/${id}`,
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: auth.toString('base64url'),
      ecdh,
      authBytes: auth,
    };
  }

  for(device: Device): Delivery[] {
    return this.deliveries.filter((d) => d.device === device.id);
  }
}

export type Device = {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  ecdh: crypto.ECDH;
  authBytes: Buffer;
};

/** The JSON a delivery carries, decrypted with the device's private key and auth secret. */
export function open(device: Device, body: Buffer): any {
  const salt = body.subarray(0, 16);
  const idLength = body[20];
  const serverKey = body.subarray(21, 21 + idLength);
  const sealed = body.subarray(21 + idLength);
  const shared = device.ecdh.computeSecret(serverKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.ecdh.getPublicKey(), serverKey]);
  const ikm = Buffer.from(crypto.hkdfSync('sha256', shared, device.authBytes, keyInfo, 32));
  const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const padded = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end > 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return JSON.parse(padded.subarray(0, end).toString('utf8'));
}
