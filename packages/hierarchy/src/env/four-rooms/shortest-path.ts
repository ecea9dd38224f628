import { fourRoomsDoorCentre, isFourRoomsDoorOpen, type FourRoomsLayout } from './layout.js';
import { fourRoomsRoomOf } from './rooms.js';
import { FOUR_ROOMS_DOOR_ROOMS, FOUR_ROOMS_DOORS, FOUR_ROOMS_ROOMS, type FourRoomsDoor, type FourRoomsRoom, type FourRoomsVector } from './world.js';

/** A route from {@link fourRoomsShortestPath}. */
export interface FourRoomsPath {
  /** Length of the polyline start -> door centres -> goal, world pixels; `Infinity` when there is no route. */
  readonly length: number;
  /** The doors it goes through, in order (empty when start and goal share a room, or there is no route). */
  readonly doors: readonly FourRoomsDoor[];
  /** The polyline's corners: start, each door's centre, goal (just start when there is no route). */
  readonly waypoints: readonly FourRoomsVector[];
}

/** The open doors of each room and the room each leads to: the room graph (rooms the nodes, open doors the edges). */
export function fourRoomsDoorGraph(layout: FourRoomsLayout): ReadonlyMap<FourRoomsRoom, ReadonlyArray<{
  /** An open door of the room. */
  door: FourRoomsDoor;
  /** The room on its other side. */
  room: FourRoomsRoom;
}>> {
  const graph = new Map<FourRoomsRoom, Array<{ door: FourRoomsDoor; room: FourRoomsRoom }>>(FOUR_ROOMS_ROOMS.map((room) => [room, []]));
  for (const door of FOUR_ROOMS_DOORS) {
    if (!isFourRoomsDoorOpen(layout, door)) continue;
    const [a, b] = FOUR_ROOMS_DOOR_ROOMS[door];
    graph.get(a)!.push({ door, room: b });
    graph.get(b)!.push({ door, room: a });
  }
  return graph;
}

/**
 * The fewest doors between two rooms through open doors (breadth-first on the room graph; H-JEPA's
 * `_room_crossing_count`): 0 for the same room, 1 for neighbours sharing an open door, 2 for
 * diagonal rooms, 3 for neighbours whose shared door is closed (the way round the other two rooms).
 */
export function fourRoomsDoorCount(layout: FourRoomsLayout, from: FourRoomsRoom, to: FourRoomsRoom): number {
  if (from === to) return 0;
  const graph = fourRoomsDoorGraph(layout);
  const seen = new Set<FourRoomsRoom>([from]);
  let frontier: FourRoomsRoom[] = [from];
  for (let depth = 1; frontier.length > 0; depth++) {
    const next: FourRoomsRoom[] = [];
    for (const room of frontier) {
      for (const edge of graph.get(room)!) {
        if (edge.room === to) return depth;
        if (!seen.has(edge.room)) {
          seen.add(edge.room);
          next.push(edge.room);
        }
      }
    }
    frontier = next;
  }
  return Infinity;
}

/**
 * The shortest route from `start` to `goal` through door centres, as the reference's
 * `FourRoomEnv.shortest_path`: both points' rooms (`fourRoomsRoomOf`); the same room gives the
 * straight segment; otherwise the shortest of all routes that visit each room at most once, through
 * open doors, measured as the polyline start -> door centres -> goal. Rooms are rectangles and a
 * door centre lies on the boundary of both its rooms, so the polyline never crosses a wall.
 *
 * A point inside a wall has no room: the route is then `{ length: Infinity, doors: [] }`.
 */
export function fourRoomsShortestPath(layout: FourRoomsLayout, start: FourRoomsVector, goal: FourRoomsVector): FourRoomsPath {
  const startRoom = fourRoomsRoomOf(layout, start[0], start[1]);
  const goalRoom = fourRoomsRoomOf(layout, goal[0], goal[1]);
  if (startRoom === null || goalRoom === null) return { length: Infinity, doors: [], waypoints: [start] };
  if (startRoom === goalRoom) return { length: distance(start, goal), doors: [], waypoints: [start, goal] };
  const graph = fourRoomsDoorGraph(layout);
  let bestLength = Infinity;
  let bestDoors: FourRoomsDoor[] = [];
  const visit = (room: FourRoomsRoom, point: FourRoomsVector, length: number, doors: FourRoomsDoor[], seen: Set<FourRoomsRoom>) => {
    if (room === goalRoom) {
      const total = length + distance(point, goal);
      if (total < bestLength) {
        bestLength = total;
        bestDoors = doors.slice();
      }
      return;
    }
    for (const edge of graph.get(room)!) {
      if (seen.has(edge.room)) continue;
      const centre = fourRoomsDoorCentre(layout, edge.door);
      const next = length + distance(point, centre);
      if (next >= bestLength) continue;
      seen.add(edge.room);
      doors.push(edge.door);
      visit(edge.room, centre, next, doors, seen);
      doors.pop();
      seen.delete(edge.room);
    }
  };
  visit(startRoom, start, 0, [], new Set([startRoom]));
  if (bestLength === Infinity) return { length: Infinity, doors: [], waypoints: [start] };
  return { length: bestLength, doors: bestDoors, waypoints: [start, ...bestDoors.map((door) => fourRoomsDoorCentre(layout, door)), goal] };
}

function distance(a: FourRoomsVector, b: FourRoomsVector): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}
