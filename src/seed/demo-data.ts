// The demo workspace's catalogue and people, shared by the demo seed and the demo connector. Every name
// says [데모]/DEMO where a user sees it.
export const PRODUCTS = [
  { code: 'DEMO-RICE-5', name: '[데모] 유기농 현미 5kg', priceKrw: 32000, mall: 'NV-1001', option: '5kg' },
  { code: 'DEMO-OIL-500', name: '[데모] 들기름 500ml', priceKrw: 18000, mall: 'NV-1002', option: '' },
  { code: 'DEMO-TEA-20', name: '[데모] 보리차 티백 20입', priceKrw: 6500, mall: 'NV-1003', option: '20입' },
  { code: 'DEMO-KIMCHI-3', name: '[데모] 포기김치 3kg', priceKrw: 27000, mall: 'NV-1004', option: '3kg' },
];
export const UNMATCHED = { mall: 'NV-2001', option: '블랙/L', name: '[데모] 기모 후드티 (매칭 필요)' };
export const GIFT = { code: 'DEMO-GIFT-BAG', name: '[데모] 사은품 에코백', priceKrw: 0 };

export const NAMES = [
  '김민수',
  '이서연',
  '박지훈',
  '최유진',
  '정하늘',
  '강도윤',
  '조은비',
  '윤태양',
  '장수아',
  '임재현',
];
export const ADDRESSES = [
  ['서울특별시 강남구 테헤란로 152', '06236'],
  ['부산광역시 해운대구 센텀중앙로 79', '48058'],
  ['경기도 성남시 분당구 판교역로 235', '13494'],
  ['대전광역시 유성구 대학로 99', '34134'],
  ['광주광역시 서구 상무중앙로 110', '61949'],
];
