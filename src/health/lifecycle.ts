import { Injectable } from '@nestjs/common';

/** Whether the gateway is draining for shutdown: it then reports not ready, so traffic moves elsewhere. */
@Injectable()
export class Lifecycle {
  shuttingDown = false;
}
