import type { Migration } from "kysely";
import * as foundation from "./20261121T0900-foundation.js";
import * as meetings from "./20261121T1000-meetings.js";
import * as meetingGuests from "./20261121T1100-meeting-guests.js";
import * as attachments from "./20261121T1200-attachments.js";
import * as notices from "./20261121T1300-notices.js";
import * as opinionRequests from "./20261121T1400-opinion-requests.js";
import * as committeeGroup from "./20261121T1500-committee-group.js";
import * as progressReports from "./20261121T1600-progress-reports.js";
import * as outboxInterruptions from "./20261128T0800-outbox-interruptions.js";
import * as files from "./20261128T1100-files.js";
import * as deliveryRouting from "./20261128T1000-delivery-routing.js";
import * as neutralMarkup from "./20261128T0900-neutral-markup.js";
import * as choiceNumbers from "./20261128T1200-choice-numbers.js";
import * as committeeGroupChat from "./20261128T1300-committee-group-chat.js";
import * as committeeDocuments from "./20261128T1430-committee-documents.js";
import * as quarterlyCycle from "./20261128T1500-quarterly-cycle.js";
import * as heldMessages from "./20261128T1510-held-messages.js";
import * as zaloUsage from "./20261128T1600-zalo-usage.js";
import * as conclusions from "./20261129T0900-conclusions.js";
import * as zaloBots from "./20261129T1100-zalo-bots.js";
import * as scaleOut from "./20261129T1200-scale-out.js";
import * as summaryIndexes from "./20261129T1400-summary-indexes.js";
import * as zaloBotLinks from "./20261129T1500-zalo-bot-links.js";

/**
 * Every migration, by its sortable name. A static list rather than a folder scan, so the same
 * migrations run under tsx, vitest and compiled output alike. Append; never edit an entry.
 */
export const migrations: Record<string, Migration> = {
  "20261121T0900-foundation": foundation,
  "20261121T1000-meetings": meetings,
  "20261121T1100-meeting-guests": meetingGuests,
  "20261121T1200-attachments": attachments,
  "20261121T1300-notices": notices,
  "20261121T1400-opinion-requests": opinionRequests,
  "20261121T1500-committee-group": committeeGroup,
  "20261121T1600-progress-reports": progressReports,
  "20261128T0800-outbox-interruptions": outboxInterruptions,
  "20261128T1100-files": files,
  "20261128T1000-delivery-routing": deliveryRouting,
  "20261128T0900-neutral-markup": neutralMarkup,
  "20261128T1200-choice-numbers": choiceNumbers,
  "20261128T1300-committee-group-chat": committeeGroupChat,
  "20261128T1430-committee-documents": committeeDocuments,
  "20261128T1500-quarterly-cycle": quarterlyCycle,
  "20261128T1510-held-messages": heldMessages,
  "20261128T1600-zalo-usage": zaloUsage,
  "20261129T0900-conclusions": conclusions,
  "20261129T1100-zalo-bots": zaloBots,
  "20261129T1200-scale-out": scaleOut,
  "20261129T1400-summary-indexes": summaryIndexes,
  "20261129T1500-zalo-bot-links": zaloBotLinks,
};
