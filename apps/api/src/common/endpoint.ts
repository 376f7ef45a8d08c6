import {
  applyDecorators,
  Body,
  createParamDecorator,
  Delete,
  type ExecutionContext,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  SetMetadata,
} from '@nestjs/common';
import type { RouteContract } from '@scholia/shared';
import type { Request } from 'express';
import { ZodPipe } from './zod.pipe.js';
import type { AuthContext } from '../auth/auth-context.js';

export const ROUTE_CONTRACT = 'scholia:route-contract';

const METHODS = { get: Get, post: Post, patch: Patch, put: Put, delete: Delete } as const;

/** Declares a handler from its shared contract: method, path, success status and access rule in one place. */
export function Endpoint(route: RouteContract): MethodDecorator {
  return applyDecorators(METHODS[route.method](route.path), HttpCode(route.status), SetMetadata(ROUTE_CONTRACT, route));
}

export const ValidBody = (route: RouteContract): ParameterDecorator => {
  if (!route.body) throw new Error(`${route.path} has no body schema`);
  return Body(new ZodPipe(route.body, 'body'));
};

export const ValidParams = (route: RouteContract): ParameterDecorator => {
  if (!route.params) throw new Error(`${route.path} has no params schema`);
  return Param(new ZodPipe(route.params, 'params'));
};

export const ValidQuery = (route: RouteContract): ParameterDecorator => {
  if (!route.query) throw new Error(`${route.path} has no query schema`);
  return Query(new ZodPipe(route.query, 'query'));
};

/** The signed-in caller, set by the auth guard. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const req = ctx.switchToHttp().getRequest<Request & { auth?: AuthContext }>();
  if (!req.auth) throw new Error('Auth used on a public endpoint');
  return req.auth;
});

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export const Client = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientInfo => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return { ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 400) ?? null };
});
