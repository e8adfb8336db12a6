import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { GqlContextType } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentRequest } from '../request-context';
import { sendGatewayError } from './error-responses';
import { GatewayError } from './gateway-error';

/**
 * The one translation of errors into REST responses: RFC 9457 problem+json with the code of
 * the public contract. GraphQL errors are left to GraphQL's own formatter.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('REST');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // The client left or was cut off (REQUEST_TIMEOUT_MS) mid-body: nobody is there to answer,
    // and it is not the gateway's failure.
    if (request.raw.aborted || reply.raw.destroyed) return undefined;
    sendGatewayError(request, reply, this.toGatewayError(exception));
    return undefined;
  }

  private toGatewayError(exception: unknown): GatewayError {
    if (exception instanceof GatewayError) return exception;
    // Nest hands Fastify's own client errors (malformed JSON, an oversized body, an unsupported
    // media type) over as HttpExceptions with their status.
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const known = GatewayError.fromStatus(status, status === 404 ? 'No such route' : exception.message);
      if (known) return known;
    }
    const requestId = currentRequest()?.requestId;
    this.logger.error({ err: exception, requestId }, 'unexpected error in a REST request');
    return GatewayError.internal(requestId);
  }
}
