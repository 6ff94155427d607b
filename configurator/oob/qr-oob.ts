/**
 * The QR binding of the out-of-band channel (psk-oob README §2): one message
 * shown as a QR code, for the direction a person can carry — an enrollee's
 * flight 1 or 5 from the bench screen (or a board with a display) to the
 * configurator operator's scanner. The code holds the console line itself,
 * `NBOOB <base64>`, so a scanner feeds it to the same relay as the serial binding.
 * Made with the `qrcode` package: terminal text, SVG or PNG; error correction M.
 */
import QRCode from 'qrcode';
import { oobLine } from './serial-oob.ts';

export type QrFormat = 'terminal' | 'svg' | 'png';

const OPTS = { errorCorrectionLevel: 'M' as const, margin: 2 };

export async function oobQrTerminal(bytes: Uint8Array): Promise<string> {
  return QRCode.toString(oobLine(bytes), { ...OPTS, type: 'terminal', small: true });
}

export async function oobQrSvg(bytes: Uint8Array): Promise<string> {
  return QRCode.toString(oobLine(bytes), { ...OPTS, type: 'svg' });
}

export async function oobQrPng(bytes: Uint8Array, scale = 6): Promise<Buffer> {
  return QRCode.toBuffer(oobLine(bytes), { ...OPTS, type: 'png', scale });
}
