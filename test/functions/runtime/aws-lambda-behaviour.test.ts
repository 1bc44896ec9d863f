import { http as echo } from '../../../functions/echo';
import { awsLambdaHttp } from '../../../functions/runtime';
import { behaviourTable, compareResponse } from './behaviour-table';
import { lambdaContext, lambdaHttpEvent, observedFromResult, type LambdaEventSource } from './lambda-events';

const handler = awsLambdaHttp(echo, { stores: {}, writeLog: () => undefined });

describe.each<LambdaEventSource>(['http-api', 'function-url'])(
  'behaviour table on AWS Lambda (%s events)',
  (source) => {
    it.each(behaviourTable.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
      const result = await handler(lambdaHttpEvent(row.request, source), lambdaContext());
      expect(compareResponse(row, 'aws', observedFromResult(result))).toEqual([]);
    });
  },
);
