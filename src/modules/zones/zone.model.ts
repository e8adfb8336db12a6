import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A Zenlayer availability zone.' })
export class Zone {
  @Field({ description: 'e.g. FRA-A.' })
  id: string;

  @Field(() => String, { nullable: true })
  name: string | null;

  @Field({ description: 'Whether custom images can be made of instances in this zone (not in SIN-E and LAX-A).' })
  supportsImageCreation: boolean;
}
