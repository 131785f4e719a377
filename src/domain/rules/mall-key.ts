// An order line is identified by (sales channel, mall order number, mall line number).
export const mallKey = (o: { channelId: number; mallOrderNo: string; mallLineNo: string }) =>
  `${o.channelId}\u0000${o.mallOrderNo}\u0000${o.mallLineNo}`;

/** A mall order (all its lines) in its sales channel. */
export const mallOrderKey = (o: { channelId: number; mallOrderNo: string }) =>
  `${o.channelId}\u0000${o.mallOrderNo}`;

export const matchKey = (o: { channelId: number; mallProductCode: string; mallOption: string }) =>
  `${o.channelId}\u0000${o.mallProductCode}\u0000${o.mallOption}`;
