import { GraphQLBoolean, GraphQLID, GraphQLInputObjectType, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, getOperationAST, parse } from 'graphql';
import { batchedCost, countUpstreamCalls, upstreamCost, zoneListSize } from './graphql-cost';
import { checkOperation } from '../graphql/graphql-limits';

const Image = new GraphQLObjectType({ name: 'Image', fields: { id: { type: new GraphQLNonNull(GraphQLID) } } });
const ImagePage = new GraphQLObjectType({
  name: 'ImagePage',
  fields: { items: { type: new GraphQLList(Image) }, totalCount: { type: GraphQLInt } },
});
const ImageFilter = new GraphQLInputObjectType({ name: 'ImageFilter', fields: { name: { type: GraphQLString } } });
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
  return countUpstreamCalls(schema, document, getOperationAST(document)!, variables);
};
const aliases = (count: number, field: (i: number) => string) => Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join(' ');

describe(countUpstreamCalls.name, () => {
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

describe(checkOperation.name, () => {
  const limits = { maxCost: 5000, maxUpstreamCalls: 20 };
  const check = (query: string, variables?: Record<string, unknown>, given = limits) => checkOperation(schema, parse(query), undefined, variables, given);

  it('refuses an operation over the upstream-call limit, naming the variable', () => {
    const [error, ...rest] = check(`{ ${aliases(21, (i) => `images(filter: { name: "n${i}" }) { totalCount }`)} }`);
    expect(rest).toHaveLength(0);
    expect(error.message).toMatch(/21 upstream calls.*the most allowed is 20 \(GRAPHQL_MAX_UPSTREAM_CALLS\)/);
    expect(error.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } });
    expect(check(`{ ${aliases(20, (i) => `images(filter: { name: "n${i}" }) { totalCount }`)} }`)).toEqual([]);
  });

  it('refuses an operation over the cost limit, naming the variable', () => {
    // 25 zones assumed, each with its quota and the quota's zone.
    const [error] = check('{ zones { imageQuota { zone { id } } } }', undefined, { maxCost: 100, maxUpstreamCalls: 20 });
    expect(error.message).toMatch(/costs 510; the most allowed is 100 \(GRAPHQL_MAX_COST\)/);
  });

  it.each([
    ['of the wrong type', 'query($p: Int) { images(pageSize: $p) { totalCount } }', { p: 'x' }],
    ['missing while required', 'query($id: ID!) { image(id: $id) { id } }', {}],
    ['naming an unknown input field', 'query($f: ImageFilter) { images(filter: $f) { totalCount } }', { f: { nme: 'x' } }],
  ])('leaves a variable %s to execution, which answers BAD_USER_INPUT', (_why, query, variables) => {
    expect(check(query, variables)).toEqual([]);
  });

  it('measures the same document anew for other variables', () => {
    const document = parse('query($n: [String]) { zones(zoneIds: $n) { imageQuota { zone { id } } } }');
    const tight = { maxCost: 100, maxUpstreamCalls: 20 };
    expect(checkOperation(schema, document, undefined, { n: ['A'] }, tight)).toEqual([]);
    expect(checkOperation(schema, document, undefined, {}, tight)[0].message).toMatch(/GRAPHQL_MAX_COST/);
    expect(checkOperation(schema, document, undefined, { n: ['A'] }, tight)).toEqual([]);
  });
});
