import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "A zone's custom image quota." })
export class ImageQuota {
  @Field()
  zoneId: string;

  @Field(() => Int, { description: 'Custom images in the zone now.' })
  count: number;

  @Field(() => Int, { description: 'The most the zone allows (5 unless Zenlayer support raised it).' })
  maxCount: number;

  @Field(() => Int, { description: 'How many more can be made: maxCount - count, never below 0.' })
  remaining: number;
}
