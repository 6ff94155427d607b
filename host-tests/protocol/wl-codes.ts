// Every code a whitelist core can return (common + the protocol's range), for tests as `EC.*`.
export * from '../../firmware/codec/codes.ts';
export * from '../../firmware/protocols/whitelist/codes.ts';
