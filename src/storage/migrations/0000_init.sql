CREATE TABLE "approval_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"params" jsonb NOT NULL,
	"item_count" integer NOT NULL,
	"requester" text NOT NULL,
	"requester_source" text NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"result" jsonb,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"source" text NOT NULL,
	"action" text NOT NULL,
	"reason" text,
	"serials" integer[] DEFAULT '{}'::int[] NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "chat_identities" (
	"id" text PRIMARY KEY NOT NULL,
	"role" text,
	"display_name" text,
	"locale" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" serial PRIMARY KEY NOT NULL,
	"order_serial" integer NOT NULL,
	"type" text NOT NULL,
	"reason" text NOT NULL,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"new_product_id" integer,
	"mall_claim_id" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "collection_run_accounts" (
	"run_id" integer NOT NULL,
	"account_id" integer NOT NULL,
	"fetched" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"unmatched" integer DEFAULT 0 NOT NULL,
	"claims" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"error" text,
	"cursor" text
);
--> statement-breakpoint
CREATE TABLE "collection_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"started_by" text NOT NULL,
	"source" text NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "column_settings" (
	"identity" text PRIMARY KEY NOT NULL,
	"columns" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cs_notes" (
	"id" serial PRIMARY KEY NOT NULL,
	"order_serial" integer NOT NULL,
	"author" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gift_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel_id" integer NOT NULL,
	"name" text NOT NULL,
	"product_ids" integer[] NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"min_quantity" integer,
	"min_amount_krw" integer,
	"gift_product_id" integer NOT NULL,
	"gift_quantity" integer DEFAULT 1 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_previews" (
	"id" text PRIMARY KEY NOT NULL,
	"template_id" integer,
	"channel_id" integer NOT NULL,
	"file_name" text NOT NULL,
	"created_by" text NOT NULL,
	"status" text NOT NULL,
	"summary" jsonb NOT NULL,
	"rows" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mall_accounts" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel_id" integer NOT NULL,
	"name" text NOT NULL,
	"connector" text NOT NULL,
	"status" text DEFAULT 'normal' NOT NULL,
	"services" text[] DEFAULT '{}'::text[] NOT NULL,
	"base_url" text,
	"credentials_sealed" text,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_messages" (
	"id" serial PRIMARY KEY NOT NULL,
	"order_serial" integer NOT NULL,
	"author" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_templates" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"channel_id" integer,
	"definition" jsonb NOT NULL,
	"builtin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_templates_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"serial" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "orders_serial_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1001 CACHE 1),
	"channel_id" integer NOT NULL,
	"account_id" integer,
	"mall_order_no" text NOT NULL,
	"mall_line_no" text DEFAULT '1' NOT NULL,
	"mall_product_code" text DEFAULT '' NOT NULL,
	"mall_option" text DEFAULT '' NOT NULL,
	"mall_product_name" text DEFAULT '' NOT NULL,
	"product_id" integer,
	"quantity" integer NOT NULL,
	"unit_price_krw" integer DEFAULT 0 NOT NULL,
	"amount_krw" integer DEFAULT 0 NOT NULL,
	"orderer_name" text DEFAULT '' NOT NULL,
	"orderer_phone" text DEFAULT '' NOT NULL,
	"recipient_name" text NOT NULL,
	"recipient_phone" text NOT NULL,
	"address" text NOT NULL,
	"zip" text NOT NULL,
	"delivery_message" text DEFAULT '' NOT NULL,
	"stage" text NOT NULL,
	"closed_status" text,
	"source" text NOT NULL,
	"badges" text[] DEFAULT '{}'::text[] NOT NULL,
	"kind" text DEFAULT 'B2C' NOT NULL,
	"gift_parent_serial" integer,
	"gift_event_id" integer,
	"packing_key" text NOT NULL,
	"hold_reason" text,
	"delete_reason" text,
	"deleted_at" timestamp with time zone,
	"locally_edited" boolean DEFAULT false NOT NULL,
	"wms_registered_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"ordered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"collection_run_id" integer,
	"import_id" text,
	"is_demo" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "product_matches" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel_id" integer NOT NULL,
	"mall_product_code" text NOT NULL,
	"mall_option" text DEFAULT '' NOT NULL,
	"product_id" integer NOT NULL,
	"quantity" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"price_krw" integer DEFAULT 0 NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "sales_channels" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'mall' NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sales_channels_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_order_serial_orders_serial_fk" FOREIGN KEY ("order_serial") REFERENCES "public"."orders"("serial") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_new_product_id_products_id_fk" FOREIGN KEY ("new_product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_run_accounts" ADD CONSTRAINT "collection_run_accounts_run_id_collection_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."collection_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_run_accounts" ADD CONSTRAINT "collection_run_accounts_account_id_mall_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."mall_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cs_notes" ADD CONSTRAINT "cs_notes_order_serial_orders_serial_fk" FOREIGN KEY ("order_serial") REFERENCES "public"."orders"("serial") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gift_events" ADD CONSTRAINT "gift_events_channel_id_sales_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."sales_channels"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gift_events" ADD CONSTRAINT "gift_events_gift_product_id_products_id_fk" FOREIGN KEY ("gift_product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_previews" ADD CONSTRAINT "import_previews_template_id_order_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."order_templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_previews" ADD CONSTRAINT "import_previews_channel_id_sales_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."sales_channels"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mall_accounts" ADD CONSTRAINT "mall_accounts_channel_id_sales_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."sales_channels"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_messages" ADD CONSTRAINT "order_messages_order_serial_orders_serial_fk" FOREIGN KEY ("order_serial") REFERENCES "public"."orders"("serial") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_templates" ADD CONSTRAINT "order_templates_channel_id_sales_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."sales_channels"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_channel_id_sales_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."sales_channels"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_mall_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."mall_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_matches" ADD CONSTRAINT "product_matches_channel_id_sales_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."sales_channels"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_matches" ADD CONSTRAINT "product_matches_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_requests_status" ON "approval_requests" USING btree ("status");--> statement-breakpoint
CREATE INDEX "audit_log_serials" ON "audit_log" USING gin ("serials");--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "claims_order" ON "claims" USING btree ("order_serial");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_mall_claim" ON "claims" USING btree ("order_serial","mall_claim_id");--> statement-breakpoint
CREATE UNIQUE INDEX "collection_run_accounts_pk" ON "collection_run_accounts" USING btree ("run_id","account_id");--> statement-breakpoint
CREATE INDEX "cs_notes_order" ON "cs_notes" USING btree ("order_serial");--> statement-breakpoint
CREATE INDEX "order_messages_order" ON "order_messages" USING btree ("order_serial");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_mall_line" ON "orders" USING btree ("channel_id","mall_order_no","mall_line_no");--> statement-breakpoint
CREATE INDEX "orders_stage_channel" ON "orders" USING btree ("stage","channel_id");--> statement-breakpoint
CREATE INDEX "orders_packing" ON "orders" USING btree ("packing_key");--> statement-breakpoint
CREATE INDEX "orders_gift_parent" ON "orders" USING btree ("gift_parent_serial");--> statement-breakpoint
CREATE INDEX "orders_unmatched_sibling" ON "orders" USING btree ("channel_id","mall_order_no") WHERE stage = 'unmatched' and deleted_at is null;--> statement-breakpoint
CREATE INDEX "orders_unmatched_key" ON "orders" USING btree ("channel_id","mall_product_code","mall_option") WHERE stage = 'unmatched' and deleted_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "product_matches_key" ON "product_matches" USING btree ("channel_id","mall_product_code","mall_option","product_id");