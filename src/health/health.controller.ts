import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/scopes';

/** Liveness and readiness for orchestrators. */
@Public()
@Controller()
export class HealthController {
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  readyz(): { status: 'ok'; checks: Record<string, 'ok'> } {
    // Configuration was validated before the app could start; later checks (circuit, Redis) join here.
    return { status: 'ok', checks: { configuration: 'ok' } };
  }
}
