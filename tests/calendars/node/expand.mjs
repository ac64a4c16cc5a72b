// Reads an iCalendar document on stdin and prints, as JSON, its events expanded with ical.js (the parser of
// Thunderbird) between two UTC instants given as arguments (ISO 8601), each with its start and end in UTC.
//   node expand.mjs 2026-11-01T00:00:00Z 2027-01-01T00:00:00Z < feed.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [from, to] = process.argv.slice(2).map((value) => new Date(value));
const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}

const utc = (time) => time.toJSDate().toISOString();
const found = [];
const vevents = root.getAllSubcomponents("vevent");
const masters = vevents.filter((component) => !component.hasProperty("recurrence-id"));
const exceptions = vevents.filter((component) => component.hasProperty("recurrence-id"));

for (const component of masters) {
  const event = new ICAL.Event(component);
  for (const other of exceptions) {
    if (other.getFirstPropertyValue("uid") === event.uid) {
      event.relateException(other);
    }
  }
  const describe = (item, start, end, recurrenceId) => ({
    uid: item.uid,
    summary: item.summary,
    start: utc(start),
    end: utc(end),
    status: item.component.getFirstPropertyValue("status"),
    sequence: item.sequence,
    location: item.location,
    recurrence_id: recurrenceId ? utc(recurrenceId) : null,
    timezone: start.zone ? start.zone.tzid : null,
  });
  if (!event.isRecurring()) {
    found.push(describe(event, event.startDate, event.endDate, null));
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(), count = 0; next && count < 1000; next = iterator.next(), count++) {
    const details = event.getOccurrenceDetails(next);
    const start = details.startDate.toJSDate();
    if (start >= to) break;
    if (details.endDate.toJSDate() <= from) continue;
    found.push(describe(details.item, details.startDate, details.endDate, details.recurrenceId));
  }
}

found.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.uid < b.uid ? -1 : 1));
process.stdout.write(JSON.stringify({
  calname: root.getFirstPropertyValue("x-wr-calname"),
  timezones: root.getAllSubcomponents("vtimezone").map((zone) => zone.getFirstPropertyValue("tzid")),
  events: found,
}));
