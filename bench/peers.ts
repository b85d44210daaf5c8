// Adapters that configure the two peer libraries with the bench calendar and expose one
// epoch-second function each, so the bench times them exactly like ours.
//
// Both peers compute in the *process-local* time zone (plain dayjs / plain moment, no tz plugin):
// they read and write wall-clock fields through the JS Date of the process. The bench therefore
// runs with TZ=Europe/Berlin (see package.json "bench"), and `assertBerlinProcessZone` refuses to
// run otherwise, so the peers see Berlin wall time, DST included, without any conversion on our side.
import { createRequire } from 'node:module';
import dayjs from 'dayjs';
import businessTime from 'dayjs-business-time';
import moment from 'moment';

/** A peer under test: adds working hours to an instant given and returned in epoch seconds. */
export interface Peer {
  readonly name: string;
  addWorkingHours(epochSeconds: number, hours: number): number;
}

/** The bench calendar, as plain data both peers can take: weekly hours and holiday dates. */
export interface PeerCalendar {
  /** Local opening and closing time, e.g. '09:00:00' / '18:00:00', Monday to Friday. */
  readonly open: string;
  readonly close: string;
  /** Whole-day closures as local dates 'YYYY-MM-DD'. */
  readonly holidays: readonly string[];
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;

export function assertBerlinProcessZone(): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone !== 'Europe/Berlin') {
    throw new Error(`the peers work in process-local time: run with TZ=Europe/Berlin (got ${zone})`);
  }
}

export function createDayjsPeer(cal: PeerCalendar): Peer {
  dayjs.extend(businessTime);
  const day = [{ start: cal.open, end: cal.close }];
  dayjs.setBusinessTime({
    sunday: null,
    saturday: null,
    ...Object.fromEntries(WEEKDAYS.map((name) => [name, day])),
  } as dayjs.BusinessHoursMap);
  dayjs.setHolidays([...cal.holidays]);
  return {
    name: 'dayjs-business-time',
    addWorkingHours: (epochSeconds, hours) =>
      dayjs(epochSeconds * 1000)
        .addBusinessHours(hours)
        .valueOf() / 1000,
  };
}

interface WorkingMoment {
  addWorkingTime(amount: number, unit: 'hours'): WorkingMoment;
  valueOf(): number;
}

export function createMomentPeer(cal: PeerCalendar): Peer {
  // moment-business-time ships no types; it patches the shared `moment` instance on load.
  createRequire(import.meta.url)('moment-business-time');
  const day = [cal.open, cal.close];
  moment.updateLocale(moment.locale(), {
    workinghours: { 0: null, 1: day, 2: day, 3: day, 4: day, 5: day, 6: null },
    holidays: [...cal.holidays],
  });
  return {
    name: 'moment-business-time',
    addWorkingHours: (epochSeconds, hours) =>
      (moment(epochSeconds * 1000) as unknown as WorkingMoment).addWorkingTime(hours, 'hours').valueOf() /
      1000,
  };
}
