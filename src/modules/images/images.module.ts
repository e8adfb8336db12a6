import { Module } from '@nestjs/common';
import { ImagesLoaders } from './images.loaders';
import { CreateImagePayloadResolver, ImagesResolver } from './images.resolver';
import { ImagesService } from './images.service';

@Module({
  providers: [ImagesService, ImagesLoaders, ImagesResolver, CreateImagePayloadResolver],
  exports: [ImagesService, ImagesLoaders],
})
export class ImagesModule {}
