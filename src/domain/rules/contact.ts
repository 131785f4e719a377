// One phone normaliser, one zip normaliser, one address normaliser, one masker.

/** Korean phone numbers keep their leading zero and get the usual dashes: 01012345678 → 010-1234-5678. */
export function normalizePhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 0) return '';
  // Representative numbers (1588-1234, 1644-…) have no area code: no leading zero to restore.
  if (digits.length === 8 && /^1[5-9]/.test(digits)) return `${digits.slice(0, 4)}-${digits.slice(4)}`;
  const withZero = digits.startsWith('0') || digits.startsWith('82') ? digits : `0${digits}`;
  const local = withZero.startsWith('82') ? `0${withZero.slice(2)}` : withZero;
  if (local.startsWith('02')) {
    if (local.length === 9) return `02-${local.slice(2, 5)}-${local.slice(5)}`;
    if (local.length === 10) return `02-${local.slice(2, 6)}-${local.slice(6)}`;
  }
  if (local.length === 10) return `${local.slice(0, 3)}-${local.slice(3, 6)}-${local.slice(6)}`;
  if (local.length === 11) return `${local.slice(0, 3)}-${local.slice(3, 7)}-${local.slice(7)}`;
  return local;
}

/** Korean zip codes are five digits; spreadsheets drop the leading zero (06236 → 6236). */
export function normalizeZip(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length > 0 && digits.length < 5) return digits.padStart(5, '0');
  return digits;
}

/** For comparing addresses: case, spacing and punctuation do not make another address. */
export function normalizeAddress(raw: string): string {
  return raw
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s,.\-()[\]#]+/g, '');
}

/** 김민수 → 김*수, 남궁민수 → 남**수, 이수 → 이*. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** 010-1234-5678 → 010-****-5678. */
export function maskPhone(phone: string): string {
  const parts = phone.split('-');
  if (parts.length === 3) return `${parts[0]}-${'*'.repeat(parts[1]!.length)}-${parts[2]}`;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 4) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** Keeps the region (first two words): 서울특별시 강남구 테헤란로 1 → 서울특별시 강남구 …. */
export function maskAddress(address: string): string {
  const words = address.trim().split(/\s+/);
  return words.length <= 2 ? words.join(' ') : `${words.slice(0, 2).join(' ')} …`;
}
