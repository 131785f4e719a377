CREATE TABLE "schedule_slots" (
	"key" text PRIMARY KEY NOT NULL,
	"claimed_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
