import { CAPTURE_MODES, COMMAND_OUTCOMES, END_REASONS, SESSION_STATUSES } from "../../contract/enums.js";
import { builder } from "../builder.js";

export const SessionStatus = builder.enumType("SessionStatus", { values: SESSION_STATUSES });
export const EndReason = builder.enumType("EndReason", { values: END_REASONS });
export const CaptureMode = builder.enumType("CaptureMode", { values: CAPTURE_MODES });
export const CommandOutcome = builder.enumType("CommandOutcome", { values: COMMAND_OUTCOMES });
