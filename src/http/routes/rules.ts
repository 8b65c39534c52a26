/** Allocation rules at global, category and SKU scope: own reserve, buffer, deactivation threshold, strategy. */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf } from '../auth.ts';
import { okSchema, responses, scopedParams } from '../schemas.ts';
import { RuleBodySchema, RulesViewSchema } from './rule-values.ts';

export function ruleRoutes(app: TypedApp, { commands }: RouteDeps): void {
  app.get('/v1/rules', {
    schema: {
      tags: ['rules'], summary: 'Every rule, grouped by scope (global, then categories, then SKUs)',
      response: responses({ 200: { type: 'array', items: RulesViewSchema } }),
    },
  }, async (request) => commands.rules.list(actorOf(request)));

  app.put('/v1/rules/global', {
    schema: { tags: ['rules'], summary: 'Set global rules', body: RuleBodySchema, response: responses({ 200: RulesViewSchema }) },
  }, async (request) => commands.rules.set(actorOf(request), 'global', '', request.body));

  app.delete('/v1/rules/global', {
    schema: { tags: ['rules'], summary: 'Remove every global rule', response: responses({ 200: okSchema }) },
  }, async (request) => {
    await commands.rules.remove(actorOf(request), 'global', '');
    return { ok: true };
  });

  app.put('/v1/rules/:scope/:key', {
    schema: { tags: ['rules'], summary: 'Set the rules of one category or SKU', params: scopedParams, body: RuleBodySchema, response: responses({ 200: RulesViewSchema }) },
  }, async (request) => commands.rules.set(actorOf(request), request.params.scope, request.params.key, request.body));

  app.delete('/v1/rules/:scope/:key', {
    schema: { tags: ['rules'], summary: 'Remove the rules of one category or SKU', params: scopedParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await commands.rules.remove(actorOf(request), request.params.scope, request.params.key);
    return { ok: true };
  });
}
