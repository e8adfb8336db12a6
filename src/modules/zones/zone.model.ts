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

  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether instances in this zone can use security groups; null when Zenlayer does not say.' })
  @Field(() => Boolean, { nullable: true, description: 'Whether instances in this zone can use security groups; null when Zenlayer does not say.' })
  supportSecurityGroup: boolean | null;

  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether instances in this zone can have IPv6 addresses; null when Zenlayer does not say.' })
  @Field(() => Boolean, { nullable: true, description: 'Whether instances in this zone can have IPv6 addresses; null when Zenlayer does not say.' })
  supportIpv6: boolean | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'VPC',
    description: 'The network types the zone supports, as Zenlayer names them (e.g. VPC), comma-separated when several; null when Zenlayer does not say.',
  })
  @Field(() => String, {
    nullable: true,
    description: 'The network types the zone supports, as Zenlayer names them (e.g. VPC), comma-separated when several; null when Zenlayer does not say.',
  })
  supportNetworkType: string | null;
}
