export { renderJson, renderReport, REPORT_FORMATS, type RenderOptions, type ReportFormat } from './formats';
export { applyBaseline, baselineEntriesOf } from './baselined';
export { JUNIT_WARNINGS, type JunitWarnings } from './junit';
export {
  exitStatusOf,
  isOpen,
  type FileLocation,
  type FindingsReport,
  type ReportFinding,
  type ReportRule,
} from './model';
export {
  readValidationReport,
  VALIDATION_REPORT_FILE,
  type ReadValidationReportOptions,
} from './validation-report';
export { ReportInputError } from './validation-report-file';
// The tool version every report carries (and `cdk-bis --version` prints).
export { PACKAGE_VERSION } from '../package-version';
