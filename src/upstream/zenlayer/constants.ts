/** Header names and fixed values of the Zenlayer Cloud API v2 wire format. */
export const ZC2_ALGORITHM = 'ZC2-HMAC-SHA256';
export const ZC2_SIGNED_HEADERS = 'content-type;host';
export const ZC2_CONTENT_TYPE = 'application/json';

export const HEADER = {
  contentType: 'Content-Type',
  host: 'Host',
  authorization: 'Authorization',
  service: 'x-zc-service',
  version: 'x-zc-version',
  action: 'x-zc-action',
  timestamp: 'x-zc-timestamp',
  signatureMethod: 'x-zc-signature-method',
} as const;
