import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { AppConfig } from '../config/app-config.js';
import { RawResponse } from '../common/http/envelope.interceptor.js';
import { negotiateLanguage } from '../common/i18n/messages.js';
import {
  AuthorizationService,
  INTERACTION_TTL_SECONDS,
  interactionPath,
  type InteractionStep,
} from './authorization.service.js';
import { cookie, isFormRequest, type Params, readCookie, sendPage, sendRedirect } from './oauth-http.js';
import { consentPage, loginPage } from './oauth-pages.js';
import { OAuthPageFilter } from './oauth-page.filter.js';

const COOKIE = 'oauth_interaction';

/**
 * The pages of the authorization code flow: `GET /oauth/authorize` starts an interaction and sends the
 * browser to its page, which is the login form and then the consent form (field names per SPEC §12).
 */
@ApiExcludeController()
@Controller('oauth')
@Public()
@RawResponse()
@UseFilters(OAuthPageFilter)
export class AuthorizeController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly config: AppConfig,
  ) {}

  @Get('authorize')
  async authorize(@Query() query: Params, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.send(request, reply, '', await this.authorization.start(query));
  }

  @Get('interaction/:uid')
  async show(@Param('uid') uid: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.send(request, reply, uid, await this.authorization.show(uid, readCookie(request, COOKIE)));
  }

  @Post('interaction/:uid/login')
  async login(
    @Param('uid') uid: string,
    @Body() body: Params,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const step = await this.authorization.login(uid, readCookie(request, COOKIE), formOf(request, body), request.ip);
    this.send(request, reply, uid, step);
  }

  @Post('interaction/:uid/consent')
  async consent(
    @Param('uid') uid: string,
    @Body() body: Params,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    this.send(
      request,
      reply,
      uid,
      await this.authorization.decide(uid, readCookie(request, COOKIE), formOf(request, body)),
    );
  }

  private send(request: FastifyRequest, reply: FastifyReply, uid: string, step: InteractionStep): void {
    const lang = negotiateLanguage(request.headers['accept-language']);
    const secure = this.config.publicUrl.startsWith('https:');
    switch (step.kind) {
      case 'interaction': {
        // scoped to this interaction's path: parallel authorizations in several tabs do not collide
        const path = interactionPath(step.uid);
        sendRedirect(reply, path, {
          'Set-Cookie': cookie(COOKIE, step.uid, { path, maxAgeSeconds: INTERACTION_TTL_SECONDS, secure }),
        });
        return;
      }
      case 'redirect': {
        const clear: Record<string, string> = step.completed
          ? { 'Set-Cookie': cookie(COOKIE, '', { path: interactionPath(uid), maxAgeSeconds: 0, secure }) }
          : {};
        sendRedirect(reply, step.location, clear);
        return;
      }
      case 'login':
        sendPage(
          reply,
          loginPage({
            lang,
            clientName: step.clientName,
            action: `${interactionPath(uid)}/login`,
            csrfToken: step.csrfToken,
            ...(step.email !== undefined && { email: step.email }),
            ...(step.error && { error: step.error }),
            ...(step.status !== undefined && { status: step.status }),
            ...(step.retryAfterSeconds !== undefined && { headers: { 'Retry-After': String(step.retryAfterSeconds) } }),
          }),
        );
        return;
      case 'consent':
        sendPage(reply, consentPage({ lang, ...step, action: `${interactionPath(uid)}/consent` }));
        return;
    }
  }
}

/** Only a real form counts: anything else is an empty form (and fails the CSRF check). */
function formOf(request: FastifyRequest, body: Params | undefined): Params {
  return isFormRequest(request) && body ? body : {};
}
