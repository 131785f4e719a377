CREATE TABLE "import_chunks" (
	"import_id" text NOT NULL,
	"chunk_no" integer NOT NULL,
	"row_no" integer[] NOT NULL,
	"mall_order_no" text[] NOT NULL,
	"mall_line_no" text[] NOT NULL,
	"mall_product_code" text[] NOT NULL,
	"mall_option" text[] NOT NULL,
	"mall_product_name" text[] NOT NULL,
	"quantity" integer[] NOT NULL,
	"unit_price_krw" integer[] NOT NULL,
	"amount_krw" integer[] NOT NULL,
	"orderer_name" text[] NOT NULL,
	"orderer_phone" text[] NOT NULL,
	"recipient_name" text[] NOT NULL,
	"recipient_phone" text[] NOT NULL,
	"address" text[] NOT NULL,
	"zip" text[] NOT NULL,
	"delivery_message" text[] NOT NULL,
	"kind" text[] NOT NULL,
	"packing_key" text[] NOT NULL,
	"ordered_at" timestamp with time zone[] NOT NULL,
	CONSTRAINT "import_chunks_import_id_chunk_no_pk" PRIMARY KEY("import_id","chunk_no")
);
--> statement-breakpoint
ALTER TABLE "import_chunks" ADD CONSTRAINT "import_chunks_import_id_import_previews_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."import_previews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Open previews kept their rows in the dropped columns: they expire (a user uploads the file again).
UPDATE "import_previews" SET "status" = 'expired' WHERE "status" = 'preview';--> statement-breakpoint
ALTER TABLE "import_previews" DROP COLUMN "rows";--> statement-breakpoint
ALTER TABLE "import_previews" DROP COLUMN "rows_packed";