import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

@ObjectType({ description: "A zone's custom image quota." })
export class ImageQuota {
  @ApiProperty({ example: 'FRA-A' })
  @Field()
  zoneId: string;

  @ApiProperty({ description: 'Custom images in the zone now.', example: 2 })
  @Field(() => Int, { description: 'Custom images in the zone now.' })
  count: number;

  @ApiProperty({ description: 'The most the zone allows (5 unless Zenlayer support raised it).', example: 5 })
  @Field(() => Int, { description: 'The most the zone allows (5 unless Zenlayer support raised it).' })
  maxCount: number;

  @ApiProperty({ description: 'How many more can be made: maxCount - count, never below 0.', example: 3 })
  @Field(() => Int, { description: 'How many more can be made: maxCount - count, never below 0.' })
  remaining: number;
}
