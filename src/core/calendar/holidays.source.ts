import Holidays, { type HolidaysTypes } from 'date-holidays';

/** One holiday as date-holidays reports it, reduced to what a calendar needs. */
export type RawHoliday = {
  /** Local date of the first day, YYYY-MM-DD. */
  date: string;
  /** Seconds after local midnight at which the holiday starts (0 = whole day; 50 400 = from 14:00). */
  startSecond: number;
  /** Whole local days covered, counting the first (partial) day. */
  days: number;
  name: string;
  type: HolidaysTypes.HolidayType;
};

export type HolidayPlace = { country: string; region?: string | undefined; subregion?: string | undefined };

/** Why a country/region/subregion triple is not known to date-holidays, or undefined when it is. */
export function isKnownHolidayRegion(
  country: string,
  region?: string,
  subregion?: string,
): { field: 'country' | 'region' | 'subregion'; message: string } | undefined {
  const catalogue = new Holidays();
  if (catalogue.getCountries()[country] === undefined) {
    return { field: 'country', message: `no public-holiday data for country "${country}"` };
  }
  if (region === undefined) return undefined;
  if (catalogue.getStates(country)?.[region] === undefined) {
    return { field: 'region', message: `no public-holiday data for region "${region}" of ${country}` };
  }
  if (subregion === undefined) return undefined;
  if (catalogue.getRegions(country, region)?.[subregion] === undefined) {
    return {
      field: 'subregion',
      message: `no public-holiday data for subregion "${subregion}" of ${country}-${region}`,
    };
  }
  return undefined;
}

const DAY_MS = 86_400_000;

// date-holidays needs 10-20 ms per country-year; calendars of one place share the result. The memo is
// deterministic (same place and year, same answer) and bounded.
const memo = new Map<string, RawHoliday[]>();
const MEMO_LIMIT = 4096;

/** A reader of one place's holidays by year. */
export function holidaySource(place: HolidayPlace): (year: number) => RawHoliday[] {
  let holidays: Holidays | undefined;
  return (year) => {
    const key = `${place.country}|${place.region ?? ''}|${place.subregion ?? ''}|${year}`;
    let known = memo.get(key);
    if (known === undefined) {
      holidays ??= new Holidays(place.country, place.region ?? '', place.subregion ?? '');
      known = holidays.getHolidays(year).map(toRawHoliday);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(key, known);
    }
    return known;
  };
}

function toRawHoliday(holiday: HolidaysTypes.Holiday): RawHoliday {
  const [datePart = '', timePart = '00:00:00'] = holiday.date.split(' ');
  const [h = 0, m = 0, s = 0] = timePart.split(':').map(Number);
  const startSecond = h * 3600 + m * 60 + s;
  // Spans are measured in elapsed time, so round away a DST hour inside a multi-day holiday.
  const spanMs = holiday.end.getTime() - holiday.start.getTime();
  const firstDayMs = DAY_MS - startSecond * 1000;
  const laterDays = Math.max(0, Math.round((spanMs - firstDayMs) / DAY_MS));
  return { date: datePart, startSecond, days: 1 + laterDays, name: holiday.name, type: holiday.type };
}
