import "reflect-metadata";
import {
  Controller,
  type DynamicModule,
  Inject,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OptionalFactoryDependency,
  Post,
  Req,
  Res,
} from "@nestjs/common";
import { HttpAdapterHost } from "@nestjs/core";
import { ConfigurationError } from "../errors/errors.js";
import { PaymentGateway } from "../injector/gateway.js";
import type { Logger } from "../logger/logger.js";
import type { NotificationAck } from "../schemas/notification.js";
import { notificationAnswerer } from "./answer-notification.js";
import { resolveBodyLimit } from "./body-limit.js";
import { type ExpressLikeResponse, sendExpressAnswer } from "./express-answer.js";
import { NotificationIntake } from "./intake.js";
import { plainAnswer } from "./plain-answer.js";
import { type NodeRequestLike, readNotificationBody } from "./request-body.js";

/*
 * NestJS wiring for notifications: a dynamic module that puts a NotificationIntake (and its
 * PaymentGateway) into Nest's DI and mounts a controller answering `POST /<path>/:merchantId`.
 * Only this subpath (@paybridge/core/nestjs) imports Nest; core's main entry never does, and
 * @nestjs/common and @nestjs/core are optional peer dependencies.
 */

export interface PayBridgeNotificationsSettings {
  /** Controller path, the notify URL's prefix (default "notify": `POST /notify/:merchantId`). */
  readonly path?: string;
  /** Largest body read, in bytes (default 1 MiB) when the adapter reads the stream itself. */
  readonly bodyLimit?: number;
  /** Where adapter faults go; the intake's (redacted) logger by default. */
  readonly logger?: Logger;
  /** Register the module globally, so every module can inject NotificationIntake and PaymentGateway. */
  readonly global?: boolean;
}

export interface PayBridgeNotificationsOptions extends PayBridgeNotificationsSettings {
  readonly intake: NotificationIntake;
}

export interface PayBridgeNotificationsAsyncOptions extends PayBridgeNotificationsSettings {
  /** Modules whose providers `useFactory` injects (a config module, the module holding the ledger). */
  readonly imports?: ModuleMetadata["imports"];
  readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
  // biome-ignore lint/suspicious/noExplicitAny: Nest factories take whatever `inject` names.
  readonly useFactory: (...deps: any[]) => NotificationIntake | Promise<NotificationIntake>;
}

/** Nest's Express request: a Node request, with `rawBody` when the app was created with `rawBody: true`. */
interface NestExpressRequest extends NodeRequestLike {
  readonly params: Record<string, string | undefined>;
  readonly body?: unknown;
  readonly rawBody?: unknown;
}

const NEST_HINT =
  "Nest's body parser consumed the body without keeping it; create the app with NestFactory.create(AppModule, { rawBody: true }) so the bytes WeChat signs are kept";

/**
 * `PayBridgeNotificationsModule.forRoot({ intake })`, or `forRootAsync({ imports, inject,
 * useFactory })` to build the intake from other providers. It provides `NotificationIntake` and
 * `PaymentGateway` (the intake's) to the importing module, or everywhere with `global: true`.
 * Create the app with `{ rawBody: true }`: Nest's JSON parser runs before any controller, and
 * WeChat's signature covers the exact bytes. Runs on Nest's Express platform (the default).
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static forRoot methods.
export class PayBridgeNotificationsModule {
  static forRoot(options: PayBridgeNotificationsOptions): DynamicModule {
    const { intake, ...settings } = options;
    if (!(intake instanceof NotificationIntake)) {
      throw new ConfigurationError(
        "PayBridgeNotificationsModule.forRoot: intake must be a NotificationIntake",
      );
    }
    return PayBridgeNotificationsModule.forRootAsync({ ...settings, useFactory: () => intake });
  }

  static forRootAsync(options: PayBridgeNotificationsAsyncOptions): DynamicModule {
    const path = controllerPath(options.path);
    const limit = resolveBodyLimit(options.bodyLimit, "PayBridgeNotificationsModule.bodyLimit");
    if (typeof options.useFactory !== "function") {
      throw new ConfigurationError(
        "PayBridgeNotificationsModule.forRootAsync: useFactory must be a function",
      );
    }
    const useFactory = options.useFactory;
    return {
      module: PayBridgeNotificationsModule,
      global: options.global ?? false,
      imports: options.imports ?? [],
      controllers: [notificationController(path, limit, options.logger)],
      providers: [
        {
          provide: NotificationIntake,
          inject: options.inject ?? [],
          // biome-ignore lint/suspicious/noExplicitAny: passed through to the user's factory.
          useFactory: async (...deps: any[]) => {
            const intake = await useFactory(...deps);
            if (!(intake instanceof NotificationIntake)) {
              throw new ConfigurationError(
                "PayBridgeNotificationsModule.forRootAsync: useFactory must return a NotificationIntake",
              );
            }
            return intake;
          },
        },
        {
          provide: PaymentGateway,
          inject: [NotificationIntake],
          useFactory: (intake: NotificationIntake) => intake.gateway,
        },
      ],
      exports: [NotificationIntake, PaymentGateway],
    };
  }
}

function controllerPath(path: string | undefined): string {
  const value = path ?? "notify";
  if (typeof value !== "string" || !/^\/?[A-Za-z0-9._~\-/]*$/.test(value) || value.includes(":")) {
    throw new ConfigurationError(
      `PayBridgeNotificationsModule.path: must be a plain URL path such as "notify" or "hooks/pay", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** One controller class per module registration, since a Nest controller's path is fixed on its class. */
function notificationController(path: string, limit: number, configuredLogger: Logger | undefined) {
  @Controller(path)
  class PayBridgeNotificationsController implements OnApplicationBootstrap {
    private readonly logger: Logger;
    private readonly answer: ReturnType<typeof notificationAnswerer>;

    constructor(
      @Inject(NotificationIntake) intake: NotificationIntake,
      @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    ) {
      this.logger = (configuredLogger ?? intake.logger).child({ adapter: "nestjs" });
      this.answer = notificationAnswerer(intake, this.logger, limit);
    }

    /** The answer is written on Express's response; another platform is refused at start-up, not per request. */
    onApplicationBootstrap(): void {
      const type = this.host.httpAdapter?.getType();
      if (type !== "express") {
        throw new ConfigurationError(
          `PayBridgeNotificationsModule: runs on Nest's Express platform (@nestjs/platform-express), not ${String(type)}`,
        );
      }
    }

    @Post(":merchantId")
    async receive(@Req() req: NestExpressRequest, @Res() res: ExpressLikeResponse): Promise<void> {
      let ack: NotificationAck;
      try {
        const read = await readNotificationBody(
          req,
          limit,
          { raw: req.rawBody, parsed: req.body },
          NEST_HINT,
        );
        ack = await this.answer(req.params.merchantId ?? "", req.headers, read);
      } catch (err) {
        this.logger.error({ err }, "notification adapter fault");
        ack = plainAnswer(500, "notification handling failed");
      }
      if (!res.headersSent) sendExpressAnswer(res, ack);
    }
  }
  return PayBridgeNotificationsController;
}
