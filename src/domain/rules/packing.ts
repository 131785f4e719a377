// R8: orders shipped in one box share a packing key.
import { createHash } from 'node:crypto';
import { normalizeAddress, normalizePhone, normalizeZip } from './contact.js';

export interface PackingFields {
  channelId: number;
  recipientName: string;
  recipientPhone: string;
  address: string;
  zip: string;
}

/** Default rule: channel + recipient name + recipient phone + normalised address + zip code. */
export function packingKey(o: PackingFields): string {
  const parts = [
    String(o.channelId),
    o.recipientName.normalize('NFC').replace(/\s+/g, ''),
    normalizePhone(o.recipientPhone).replace(/\D/g, ''),
    normalizeAddress(o.address),
    normalizeZip(o.zip),
  ];
  return createHash('sha1').update(parts.join('\u0000')).digest('hex');
}
