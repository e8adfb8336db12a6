/**
 * The framework's own ceiling, for `npm run bench`: NestJS on Fastify with Apollo, one GraphQL
 * query and one REST route that answer constants. No upstream call, no authentication, no
 * validation, logging or metrics: what any gateway on this stack pays before doing anything.
 * Prints `{"url": ...}` once listening. `ts-node test/bench/baseline-app.ts`
 */
import 'reflect-metadata';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Controller, Get, Module, Query as QueryParam } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Args, Field, GraphQLModule, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

@ObjectType()
class Quota {
  @Field() zoneId!: string;
  @Field(() => Int) count!: number;
  @Field(() => Int) maxCount!: number;
}

const quotas = (zoneIds: string[]): Quota[] => zoneIds.map((zoneId) => ({ zoneId, count: 2, maxCount: 10 }));

@Resolver()
class QuotaResolver {
  @Query(() => [Quota])
  imageQuotas(@Args('zoneIds', { type: () => [String] }) zoneIds: string[]): Quota[] {
    return quotas(zoneIds);
  }
}

@Controller('v1')
class QuotaController {
  @Get('image-quotas')
  list(@QueryParam('zoneIds') zoneIds = ''): { items: Quota[] } {
    return { items: quotas(zoneIds.split(',')) };
  }
}

@Module({
  imports: [GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, playground: false })],
  providers: [QuotaResolver],
  controllers: [QuotaController],
})
class BaselineModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BaselineModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
}

void main();
