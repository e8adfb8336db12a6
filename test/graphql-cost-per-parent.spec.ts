/** The upstream-call tally of a field that makes one call per parent object (`perParentCost`), such as `Image.instances`. */
import { GraphQLID, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, getOperationAST, parse } from 'graphql';
import { batchedCost, perParentCost, tallyUpstreamCalls, totalUpstreamCalls, upstreamCost } from '../src/common/graphql-cost';

const pageArgs = { page: { type: GraphQLInt, defaultValue: 1 }, pageSize: { type: GraphQLInt, defaultValue: 20 } };
const Instance: GraphQLObjectType = new GraphQLObjectType({
  name: 'Instance',
  fields: () => ({ id: { type: GraphQLID }, sourceImage: { type: Image, extensions: { complexity: batchedCost('image') } } }),
});
const InstancePage = new GraphQLObjectType({ name: 'InstancePage', fields: { items: { type: new GraphQLList(Instance) }, totalCount: { type: GraphQLInt } } });
const Image: GraphQLObjectType = new GraphQLObjectType({
  name: 'Image',
  fields: () => ({
    id: { type: new GraphQLNonNull(GraphQLID) },
    instances: { type: InstancePage, args: pageArgs, extensions: { complexity: perParentCost((args) => args.pageSize) } },
  }),
});
const ImagePage = new GraphQLObjectType({ name: 'ImagePage', fields: { items: { type: new GraphQLList(Image) } } });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      images: { type: ImagePage, args: pageArgs, extensions: { complexity: upstreamCost((args) => args.pageSize) } },
      image: { type: Image, args: { id: { type: new GraphQLNonNull(GraphQLID) } }, extensions: { complexity: batchedCost('image') } },
      instances: { type: InstancePage, args: pageArgs, extensions: { complexity: upstreamCost((args) => args.pageSize) } },
    },
  }),
});

const calls = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return totalUpstreamCalls(tallyUpstreamCalls(schema, document, getOperationAST(document)!, variables));
};

describe('tallyUpstreamCalls of a field with one call per parent', () => {
  it('counts one call under one object', () => {
    expect(calls('{ image(id: "a") { instances { totalCount } } }')).toBe(2);
  });

  it("counts one call per item the list above can hold: the parent's page size", () => {
    expect(calls('{ images(pageSize: 7) { items { instances { totalCount } } } }')).toBe(1 + 7);
    expect(calls('query($n: Int) { images(pageSize: $n) { items { instances { totalCount } } } }', { n: 12 })).toBe(1 + 12);
    expect(calls('{ images { items { id } } }')).toBe(1);
  });

  it('multiplies the page sizes of the lists down the path', () => {
    // instances(5) → 5 source images (one batch) → 5 × Image.instances.
    expect(calls('{ instances(pageSize: 5) { items { sourceImage { instances { totalCount } } } } }')).toBe(1 + 1 + 5);
    // images(3) → 3 × instances(4): 3 calls, then 12 source images (one batch per parent call) → 12 calls.
    expect(calls('{ images(pageSize: 3) { items { instances(pageSize: 4) { items { sourceImage { instances { totalCount } } } } } } }')).toBe(1 + 3 + 1 + 12);
  });

  it('counts each aliased object on its own, and a field selected twice at the same place (fragments) once', () => {
    expect(calls('{ a: image(id: "a") { instances { totalCount } } b: image(id: "b") { instances { totalCount } } }')).toBe(1 + 2);
    expect(calls('{ image(id: "a") { ...A ...B } } fragment A on Image { instances { totalCount } } fragment B on Image { instances { items { id } } }')).toBe(2);
    expect(calls('{ image(id: "a") { x: instances(page: 1) { totalCount } y: instances(page: 2) { totalCount } } }')).toBe(3);
  });

  it('leaves out skipped fields', () => {
    expect(calls('query($s: Boolean!) { images(pageSize: 9) { items { instances @skip(if: $s) { totalCount } } } }', { s: true })).toBe(1);
  });
});
