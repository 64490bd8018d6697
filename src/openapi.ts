import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from './config/app-config.js';
import { componentSchemas, ERROR_RESPONSES } from './common/openapi/api-schemas.js';

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = app.get(AppConfig);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('IoT Gateway API')
      .setDescription(
        'Device registry, sendCommand, events and webhooks, CRM and users. Every /v1 response is wrapped in ' +
          '`{code, message, data}`; errors are `{code, message, errors?, requestId}` (codes in the README).',
      )
      .setVersion('1')
      .addServer(config.publicUrl)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key (ak_…) or OAuth access token' })
      .build(),
  );
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...componentSchemas() } as never,
  };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const operation of Object.values(item)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      operation.security ??= [{ bearer: [] }];
      for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
        operation.responses[status] ??= {
          description,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        };
      }
    }
  }
  return document;
}

/** Swagger UI at /docs, the document at /openapi.json; served locally (no CDN). */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'IoT Gateway API',
  });
}
