// Which connector serves which account (`mall_accounts.connector`).
import { cafe24Connector } from './cafe24.js';
import { coupangConnector } from './coupang.js';
import { demoConnector } from './demo.js';
import type { RetryPolicy } from './http.js';
import { naverConnector } from './naver.js';
import type { Connector } from './types.js';

export type Connectors = Record<string, Connector>;

export function defaultConnectors(policy?: RetryPolicy): Connectors {
  return {
    naver: naverConnector(policy),
    coupang: coupangConnector(policy),
    cafe24: cafe24Connector(policy),
    demo: demoConnector(),
  };
}
