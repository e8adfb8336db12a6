/**
 * The action table: for each Zenlayer action, read and check its parameters, then apply it to
 * the state. Handlers return the `response` fields (without `requestId`) or throw a
 * `SimulatorError`. Another action is one more entry here.
 */
import { IMAGE_STATUSES, IMAGE_TYPES, SimulatorState } from './state';
import {
  checkImageDescription,
  checkImageName,
  optionalEnum,
  optionalInteger,
  optionalString,
  optionalStringArray,
  RequestBody,
  requiredString,
  requiredStringArray,
} from './validation';

/** One action's handler. */
export type ActionHandler = (state: SimulatorState, body: RequestBody) => object;

const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 20;

function describeImages(state: SimulatorState, body: RequestBody): object {
  const filter = {
    imageIds: optionalStringArray(body, 'imageIds'),
    imageName: optionalString(body, 'imageName'),
    // Required by the reference page ("Required: Yes"): images are known by their zone.
    zoneId: requiredString(body, 'zoneId'),
    category: optionalString(body, 'category'),
    imageType: optionalEnum(body, 'imageType', IMAGE_TYPES),
    osType: optionalString(body, 'osType'),
    imageStatus: optionalEnum(body, 'imageStatus', IMAGE_STATUSES),
  };
  const pageNum = optionalInteger(body, 'pageNum', 1, Number.MAX_SAFE_INTEGER) ?? 1;
  const pageSize = optionalInteger(body, 'pageSize', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  return state.describeImages(filter, pageNum, pageSize);
}

// Zenlayer lists no closed set of instance statuses, so any string filters (and may match nothing).
function describeInstances(state: SimulatorState, body: RequestBody): object {
  const filter = {
    instanceIds: optionalStringArray(body, 'instanceIds'),
    zoneId: optionalString(body, 'zoneId'),
    instanceStatus: optionalString(body, 'instanceStatus'),
    instanceName: optionalString(body, 'instanceName'),
    // A String on the reference page, like the other filters: any other type is refused.
    imageId: optionalString(body, 'imageId'),
  };
  const pageNum = optionalInteger(body, 'pageNum', 1, Number.MAX_SAFE_INTEGER) ?? 1;
  const pageSize = optionalInteger(body, 'pageSize', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  return state.describeInstances(filter, pageNum, pageSize);
}

function createImage(state: SimulatorState, body: RequestBody): object {
  const instanceId = requiredString(body, 'instanceId');
  const imageName = checkImageName(requiredString(body, 'imageName'));
  const description = optionalString(body, 'imageDescription');
  const imageDescription = description === undefined ? undefined : checkImageDescription(description);
  return { imageId: state.createImage(instanceId, imageName, imageDescription) };
}

function modifyImagesAttributes(state: SimulatorState, body: RequestBody): object {
  const imageIds = requiredStringArray(body, 'imageIds');
  const name = optionalString(body, 'imageName');
  const description = optionalString(body, 'imageDescription');
  state.modifyImagesAttributes(
    imageIds,
    name === undefined ? undefined : checkImageName(name),
    description === undefined ? undefined : checkImageDescription(description),
  );
  return {};
}

/** Every action the simulator serves, by `x-zc-action` value. */
export const ACTIONS: Readonly<Record<string, ActionHandler>> = Object.freeze({
  DescribeImageQuota: (state, body) => ({ images: state.describeImageQuota(optionalStringArray(body, 'zoneIds')) }),
  DescribeZones: (state, body) => ({ zoneSet: state.describeZones(optionalStringArray(body, 'zoneIds')) }),
  DescribeImages: describeImages,
  DescribeImage: (state, body) => state.describeImage(requiredString(body, 'imageId')),
  DescribeInstances: describeInstances,
  CreateImage: createImage,
  ModifyImagesAttributes: modifyImagesAttributes,
  DeleteImages: (state, body) => {
    state.deleteImages(requiredStringArray(body, 'imageIds'));
    return {};
  },
} satisfies Record<string, ActionHandler>);

/** The names of the actions the simulator serves. */
export const ACTION_NAMES: readonly string[] = Object.freeze(Object.keys(ACTIONS));

/** Whether `action` is served (own keys only, so `toString` and friends are not actions). */
export const isKnownAction = (action: string): boolean => Object.prototype.hasOwnProperty.call(ACTIONS, action);
