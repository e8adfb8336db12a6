import type * as W from './wire.types';

/** Where an action lives: its service, API version and path. */
export interface ZenlayerEndpoint {
  readonly service: string;
  readonly version: string;
  readonly path: string;
}

/** Cloud API v2, compute service `vm`. */
export const VM_2023_03_13: ZenlayerEndpoint = { service: 'vm', version: '2023-03-13', path: '/api/v2/vm' };

/**
 * Whether an action only reads. Reads may be retried freely; writes change state at Zenlayer,
 * so a later resilience layer must never repeat one whose outcome is unknown.
 */
export type ActionKind = 'read' | 'write';

/** One row of the action table. The type parameters only carry the request and response types. */
export interface ActionSpec<Req, Res> {
  readonly endpoint: ZenlayerEndpoint;
  readonly kind: ActionKind;
  /** Phantom field: never set at run time. */
  readonly __types?: { request: Req; response: Res };
}

const read = <Req, Res>(endpoint: ZenlayerEndpoint): ActionSpec<Req, Res> & { kind: 'read' } => ({ endpoint, kind: 'read' });
const write = <Req, Res>(endpoint: ZenlayerEndpoint): ActionSpec<Req, Res> & { kind: 'write' } => ({ endpoint, kind: 'write' });

/**
 * Every upstream action the gateway may call. A new action, service or API version is one row
 * here plus its wire types; the client needs no change.
 */
export const ZENLAYER_ACTIONS = {
  DescribeImageQuota: read<W.DescribeImageQuotaRequest, W.DescribeImageQuotaResponse>(VM_2023_03_13),
  DescribeImages: read<W.DescribeImagesRequest, W.DescribeImagesResponse>(VM_2023_03_13),
  DescribeImage: read<W.DescribeImageRequest, W.DescribeImageResponse>(VM_2023_03_13),
  DescribeZones: read<W.DescribeZonesRequest, W.DescribeZonesResponse>(VM_2023_03_13),
  DescribeInstances: read<W.DescribeInstancesRequest, W.DescribeInstancesResponse>(VM_2023_03_13),
  CreateImage: write<W.CreateImageRequest, W.CreateImageResponse>(VM_2023_03_13),
  ModifyImagesAttributes: write<W.ModifyImagesAttributesRequest, W.ModifyImagesAttributesResponse>(VM_2023_03_13),
  DeleteImages: write<W.DeleteImagesRequest, W.DeleteImagesResponse>(VM_2023_03_13),
} as const;

export type ZenlayerActionName = keyof typeof ZENLAYER_ACTIONS;
type SpecOf<A extends ZenlayerActionName> = (typeof ZENLAYER_ACTIONS)[A];
export type RequestOf<A extends ZenlayerActionName> = SpecOf<A> extends ActionSpec<infer Req, unknown> ? Req : never;
export type ResponseOf<A extends ZenlayerActionName> = SpecOf<A> extends ActionSpec<unknown, infer Res> ? Res : never;

export type ZenlayerReadAction = { [A in ZenlayerActionName]: (typeof ZENLAYER_ACTIONS)[A]['kind'] extends 'read' ? A : never }[ZenlayerActionName];
export type ZenlayerWriteAction = Exclude<ZenlayerActionName, ZenlayerReadAction>;

/**
 * The reads whose answers a successful write changes. A cache in front of the reads drops
 * them after the write, so that the next read through the gateway shows the change.
 */
export const WRITE_INVALIDATES: Record<ZenlayerWriteAction, readonly ZenlayerReadAction[]> = {
  CreateImage: ['DescribeImageQuota', 'DescribeImages'],
  ModifyImagesAttributes: ['DescribeImages', 'DescribeImage'],
  DeleteImages: ['DescribeImageQuota', 'DescribeImages', 'DescribeImage'],
};
