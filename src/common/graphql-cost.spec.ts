import { GraphQLBoolean, GraphQLID, GraphQLInputObjectType, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, getOperationAST, parse } from 'graphql';
import { ASSUMED_ZONE_COUNT, batchedCost, tallyUpstreamCalls, totalUpstreamCalls, upstreamCost, zoneListSize } from './graphql-cost';
import { checkOperation, OperationLimits } from '../graphql/graphql-limits';

const Image = new GraphQLObjectType({ name: 'Image', fields: { id: { type: new GraphQLNonNull(GraphQLID) } } });
const ImagePage = new GraphQLObjectType({
  name: 'ImagePage',
  fields: { items: { type: new GraphQLList(Image) }, totalCount: { type: GraphQLInt } },
});
const ImageFilter = new GraphQLInputObjectType({
  name: 'ImageFilter',
  fields: { name: { type: GraphQLString }, zoneId: { type: GraphQLString }, ids: { type: new GraphQLList(GraphQLID) } },
});
/** As the gateway's `images`: without a zone or ids, one call per zone of the account (and one for the zone list). */
const acrossZones = (args: Record<string, any>) => (!args.filter?.zoneId && !args.filter?.ids ? 1 : 0);
// Zone and ImageQuota refer to each other, as in the gateway's schema.
const Zone: GraphQLObjectType = new GraphQLObjectType({
  name: 'Zone',
  fields: () => ({ id: { type: GraphQLString }, imageQuota: { type: ImageQuota, extensions: { complexity: batchedCost('imageQuota') } } }),
});
const ImageQuota: GraphQLObjectType = new GraphQLObjectType({
  name: 'ImageQuota',
  fields: () => ({ zoneId: { type: GraphQLString }, zone: { type: Zone, extensions: { complexity: batchedCost('zone') } } }),
});
const Payload = new GraphQLObjectType({
  name: 'Payload',
  fields: { imageId: { type: GraphQLID }, image: { type: Image, extensions: { complexity: batchedCost('image') } } },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      images: {
        type: ImagePage,
        args: { filter: { type: ImageFilter }, page: { type: GraphQLInt, defaultValue: 1 }, pageSize: { type: GraphQLInt, defaultValue: 20 } },
        extensions: { complexity: upstreamCost((args) => args.pageSize) },
      },
      zonedImages: {
        type: ImagePage,
        args: { filter: { type: ImageFilter }, page: { type: GraphQLInt, defaultValue: 1 }, pageSize: { type: GraphQLInt, defaultValue: 20 } },
        extensions: { complexity: upstreamCost((args) => args.pageSize, { calls: () => 1, perZone: acrossZones }) },
      },
      image: { type: Image, args: { id: { type: new GraphQLNonNull(GraphQLID) } }, extensions: { complexity: batchedCost('image') } },
      imageQuota: { type: ImageQuota, args: { zoneId: { type: new GraphQLNonNull(GraphQLString) } }, extensions: { complexity: batchedCost('imageQuota') } },
      zones: { type: new GraphQLList(Zone), args: { zoneIds: { type: new GraphQLList(GraphQLString) } }, extensions: { complexity: upstreamCost(zoneListSize) } },
      version: { type: GraphQLString },
    },
  }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: {
      deleteImages: { type: GraphQLBoolean, args: { ids: { type: new GraphQLList(GraphQLID) } }, extensions: { complexity: upstreamCost() } },
      createImage: {
        type: Payload,
        args: { name: { type: GraphQLString }, idempotencyKey: { type: GraphQLString } },
        extensions: { complexity: upstreamCost(undefined, { calls: (args) => (args.idempotencyKey ? 2 : 1) }) },
      },
      updateImages: { type: new GraphQLList(Image), args: { ids: { type: new GraphQLList(GraphQLID) } }, extensions: { complexity: upstreamCost(undefined, { loaders: ['image'] }) } },
    },
  }),
});

const calls = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return totalUpstreamCalls(tallyUpstreamCalls(schema, document, getOperationAST(document)!, variables));
};
const aliases = (count: number, field: (i: number) => string) => Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join(' ');

describe(tallyUpstreamCalls.name, () => {
  it('counts each aliased root field with its own arguments as one call', () => {
    expect(calls(`{ ${aliases(100, (i) => `images(filter: { name: "n${i}" }, pageSize: 1) { totalCount }`)} }`)).toBe(100);
  });

  it('counts root fields with the same arguments, defaults applied, as one shared call', () => {
    expect(calls('{ a: images(pageSize: 1) { totalCount } b: images(pageSize: 1, page: 1) { totalCount } c: images { totalCount } }')).toBe(2);
  });

  it('reads arguments from the variables', () => {
    const query = 'query($a: String, $b: String) { x: images(filter: { name: $a }) { totalCount } y: images(filter: { name: $b }) { totalCount } }';
    expect(calls(query, { a: 'one', b: 'two' })).toBe(2);
    expect(calls(query, { a: 'same', b: 'same' })).toBe(1);
  });

  it('counts batched lookups once per loader', () => {
    expect(calls(`{ ${aliases(50, (i) => `image(id: "img-${i}") { id }`)} ${aliases(30, (i) => `imageQuota(zoneId: "Z${i}") { zoneId }`).replace(/a(\d+):/g, 'q$1:')} }`)).toBe(2);
  });

  it('counts a loader under each distinct parent call, as each resolves on its own', () => {
    expect(calls('{ zones { imageQuota { zoneId } } }')).toBe(2);
    expect(calls('{ zones { imageQuota { zone { id } } } }')).toBe(3);
    expect(calls('{ a: zones { imageQuota { zoneId } } b: zones { imageQuota { zoneId } } }')).toBe(2);
    expect(calls('{ a: zones(zoneIds: ["A"]) { imageQuota { zoneId } } b: zones(zoneIds: ["B"]) { imageQuota { zoneId } } }')).toBe(4);
  });

  it('follows fragments and inline fragments, and leaves out skipped fields', () => {
    const query = `query($skip: Boolean!) {
      ...Lists
      ... on Query { b: images(pageSize: 2) { totalCount } }
      c: images(pageSize: 3) @skip(if: $skip) { totalCount }
      d: images(pageSize: 4) @include(if: false) { totalCount }
      version
      __typename
    }
    fragment Lists on Query { a: images(pageSize: 1) { totalCount } zones { id } }`;
    expect(calls(query, { skip: true })).toBe(3);
    expect(calls(query, { skip: false })).toBe(4);
  });

  it('counts every root field of a mutation: they run one after another and writes are never shared', () => {
    expect(calls('mutation { a: deleteImages(ids: ["x"]) b: deleteImages(ids: ["x"]) }')).toBe(2);
    expect(calls('mutation { createImage(name: "n", idempotencyKey: "k") { image { id } } }')).toBe(3);
    expect(calls('mutation { a: createImage(name: "n") { image { id } } b: createImage(name: "m") { image { id } } }')).toBe(4);
    expect(calls('mutation { updateImages(ids: ["x", "y"]) { id } }')).toBe(2);
  });
});

describe(tallyUpstreamCalls.name, () => {
  const tally = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    return tallyUpstreamCalls(schema, document, getOperationAST(document)!, variables);
  };

  it('counts a listing across zones apart from the fixed calls', () => {
    expect(tally('{ zonedImages { totalCount } }')).toEqual({ fixed: 1, perZone: 1 });
    expect(tally('{ zonedImages(filter: { zoneId: "FRA-A" }) { totalCount } }')).toEqual({ fixed: 1, perZone: 0 });
    expect(tally('{ zonedImages(filter: { ids: ["img-1"] }) { totalCount } }')).toEqual({ fixed: 1, perZone: 0 });
    expect(tally('{ images { totalCount } image(id: "img-1") { id } }')).toEqual({ fixed: 2, perZone: 0 });
  });

  it('counts each listing across zones with its own arguments, and shares those with the same', () => {
    expect(tally('{ a: zonedImages(filter: { name: "a" }) { totalCount } b: zonedImages(filter: { name: "b" }) { totalCount } }')).toEqual({ fixed: 2, perZone: 2 });
    expect(tally('{ a: zonedImages(pageSize: 5) { totalCount } b: zonedImages(pageSize: 5, page: 1) { totalCount } }')).toEqual({ fixed: 1, perZone: 1 });
    expect(tally('query($z: String) { zonedImages(filter: { zoneId: $z }) { totalCount } }', { z: 'FRA-A' })).toEqual({ fixed: 1, perZone: 0 });
    expect(tally('query($z: String) { zonedImages(filter: { zoneId: $z }) { totalCount } }', {})).toEqual({ fixed: 1, perZone: 1 });
  });
});

describe(`${totalUpstreamCalls.name} across zones`, () => {
  const document = parse('{ a: zonedImages(filter: { name: "a" }) { totalCount } b: zonedImages(filter: { name: "b" }) { totalCount } images { totalCount } }');
  const operation = getOperationAST(document)!;

  it('counts the per-zone calls once per zone of the account', () => {
    expect(totalUpstreamCalls(tallyUpstreamCalls(schema, document, operation, {}), 3)).toBe(3 + 2 * 3);
    expect(totalUpstreamCalls(tallyUpstreamCalls(schema, document, operation, {}), 0)).toBe(3);
  });

  it(`assumes ${ASSUMED_ZONE_COUNT} zones when the number is not given`, () => {
    expect(totalUpstreamCalls(tallyUpstreamCalls(schema, document, operation, {}))).toBe(3 + 2 * ASSUMED_ZONE_COUNT);
  });
});

describe(checkOperation.name, () => {
  const limits = { maxCost: 5000, maxUpstreamCalls: 20 };
  const check = (query: string, variables?: Record<string, unknown>, given: OperationLimits = limits) => checkOperation(schema, parse(query), undefined, variables, given);

  it('refuses an operation over the upstream-call limit, naming the variable', async () => {
    const [error, ...rest] = await check(`{ ${aliases(21, (i) => `images(filter: { name: "n${i}" }) { totalCount }`)} }`);
    expect(rest).toHaveLength(0);
    expect(error.message).toMatch(/21 upstream calls.*the most allowed is 20 \(GRAPHQL_MAX_UPSTREAM_CALLS\)/);
    expect(error.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } });
    await expect(check(`{ ${aliases(20, (i) => `images(filter: { name: "n${i}" }) { totalCount }`)} }`)).resolves.toEqual([]);
  });

  it('refuses an operation over the cost limit, naming the variable', async () => {
    // 25 zones assumed, each with its quota and the quota's zone.
    const [error] = await check('{ zones { imageQuota { zone { id } } } }', undefined, { maxCost: 100, maxUpstreamCalls: 20 });
    expect(error.message).toMatch(/costs 510; the most allowed is 100 \(GRAPHQL_MAX_COST\)/);
  });

  it.each([
    ['of the wrong type', 'query($p: Int) { images(pageSize: $p) { totalCount } }', { p: 'x' }],
    ['missing while required', 'query($id: ID!) { image(id: $id) { id } }', {}],
    ['naming an unknown input field', 'query($f: ImageFilter) { images(filter: $f) { totalCount } }', { f: { nme: 'x' } }],
  ])('leaves a variable %s to execution, which answers BAD_USER_INPUT', async (_why, query, variables) => {
    await expect(check(query, variables)).resolves.toEqual([]);
  });

  it('measures the same document anew for other variables', async () => {
    const document = parse('query($n: [String]) { zones(zoneIds: $n) { imageQuota { zone { id } } } }');
    const tight = { maxCost: 100, maxUpstreamCalls: 20 };
    await expect(checkOperation(schema, document, undefined, { n: ['A'] }, tight)).resolves.toEqual([]);
    expect((await checkOperation(schema, document, undefined, {}, tight))[0].message).toMatch(/GRAPHQL_MAX_COST/);
    await expect(checkOperation(schema, document, undefined, { n: ['A'] }, tight)).resolves.toEqual([]);
  });

  describe('a listing across zones', () => {
    const twoListings = '{ a: zonedImages(filter: { name: "a" }) { totalCount } b: zonedImages(filter: { name: "b" }) { totalCount } }';

    it("counts one call per zone the account has, as zoneCount says", async () => {
      const zoneCount = jest.fn(async () => 9);
      // 2 + 2 × 9 = 20: just allowed.
      await expect(check(twoListings, undefined, { ...limits, zoneCount })).resolves.toEqual([]);
      expect(zoneCount).toHaveBeenCalledTimes(1);
    });

    it('refuses it past the limit, saying how many calls go across how many zones', async () => {
      // 2 + 2 × 10 = 22.
      const [error, ...rest] = await check(twoListings, undefined, { ...limits, zoneCount: async () => 10 });
      expect(rest).toHaveLength(0);
      expect(error.message).toMatch(/can make 22 upstream calls/);
      expect(error.message).toMatch(/20 of them across the account's 10 zones/);
      expect(error.message).toMatch(/the most allowed is 20 \(GRAPHQL_MAX_UPSTREAM_CALLS\)/);
      expect(error.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    });

    it(`assumes ${ASSUMED_ZONE_COUNT} zones without zoneCount`, async () => {
      const [error] = await check('{ zonedImages { totalCount } }');
      expect(error.message).toMatch(new RegExp(`can make ${1 + ASSUMED_ZONE_COUNT} upstream calls.*across the account's ${ASSUMED_ZONE_COUNT} zones`));
    });

    it('asks the zone count anew for each operation: the same document passes or not as the account changes', async () => {
      const document = parse(twoListings);
      let zones = 9;
      const zoneCount = jest.fn(async () => zones);
      await expect(checkOperation(schema, document, undefined, {}, { ...limits, zoneCount })).resolves.toEqual([]);
      zones = 10;
      expect(await checkOperation(schema, document, undefined, {}, { ...limits, zoneCount })).toHaveLength(1);
      expect(zoneCount).toHaveBeenCalledTimes(2);
    });

    it('does not ask the zone count for an operation without a listing across zones', async () => {
      const zoneCount = jest.fn(async () => 1000);
      await expect(check('{ zonedImages(filter: { zoneId: "FRA-A" }) { totalCount } images { totalCount } image(id: "x") { id } }', undefined, { ...limits, zoneCount })).resolves.toEqual([]);
      const [error] = await check(`{ ${aliases(21, (i) => `images(filter: { name: "n${i}" }) { totalCount }`)} }`, undefined, { ...limits, zoneCount });
      expect(error.message).not.toMatch(/across the account/);
      expect(zoneCount).not.toHaveBeenCalled();
    });

    it('does not ask the zone count for an operation already over the cost limit', async () => {
      const zoneCount = jest.fn(async () => 1);
      const [error] = await check('{ zonedImages { totalCount } zones { imageQuota { zone { id } } } }', undefined, { maxCost: 100, maxUpstreamCalls: 20, zoneCount });
      expect(error.message).toMatch(/GRAPHQL_MAX_COST/);
      expect(zoneCount).not.toHaveBeenCalled();
    });
  });
});
