import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

@ObjectType({ description: 'A Zenlayer availability zone.' })
export class Zone {
  @ApiProperty({ example: 'FRA-A' })
  @Field({ description: 'e.g. FRA-A.' })
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'Frankfurt A' })
  @Field(() => String, { nullable: true })
  name: string | null;

  @ApiProperty({ description: 'Whether custom images can be made of instances in this zone (not in SIN-E and LAX-A).' })
  @Field({ description: 'Whether custom images can be made of instances in this zone (not in SIN-E and LAX-A).' })
  supportsImageCreation: boolean;
}
