// An independent oracle for tests/rctab/test_tiebreaks.py: which candidate RCTab's tie-break
// picks, computed with Java's own library (java.util.Random, HashSet, TreeMap,
// Collections.sort/shuffle) rather than tellers' Python copies of them.
//
// It follows RCTab 2.0.0's Tiebreak.java (github.com/BrightSpots/rcv, unchanged up to 2.0.1):
// - the tied names are sorted (Collections.sort) before anything else;
// - "random": random.nextDouble() * size, floored, indexes the sorted list;
// - "stopCountingAndAsk": the operator is offered the sorted list;
// - "useCandidateOrder"/"generatePermutation": the first tied name in the permutation when
//   selecting a winner, the last when selecting a loser; generatePermutation sorts the config
//   order, then Collections.shuffle(permutation, new Random(seed)) before the count starts;
// - "previousRoundCounts...": from the round before the tie back to round 1, keep the tied
//   names with the most (winner) or fewest (loser) votes in that round, reading each round
//   through a TreeMap<BigDecimal, LinkedList<String>> filled by iterating a new HashSet of the
//   names still in contention (Tabulator.buildTallyToCandidates); if more than one is left
//   after round 1, draw from them *in that HashSet order* (doRandom), or ask.
//
// Usage:  java RctabTiebreak MODE SEED winner|loser PERMUTATION TIED ROUNDS
//   PERMUTATION  the config's candidate order, comma-separated
//   TIED         the tied names, comma-separated
//   ROUNDS       the earlier rounds' tallies, round 1 first: "A=4,B=4/A=4,B=5"
// Prints the chosen name; for the "ask" fall-back, "ask:" and the names in the order offered.

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

public class RctabTiebreak {
  public static void main(String[] args) {
    String mode = args[0];
    long seed = Long.parseLong(args[1]);
    boolean winner = args[2].equals("winner");
    List<String> permutation = new ArrayList<>(Arrays.asList(args[3].split(",")));
    List<String> tied = new ArrayList<>(Arrays.asList(args[4].split(",")));
    List<Map<String, BigDecimal>> rounds = new ArrayList<>();
    if (args.length > 5 && !args[5].isEmpty()) {
      for (String round : args[5].split("/")) {
        Map<String, BigDecimal> tally = new HashMap<>();
        for (String cell : round.split(",")) {
          String[] kv = cell.split("=");
          tally.put(kv[0], new BigDecimal(kv[1]));
        }
        rounds.add(tally);
      }
    }
    Random random = new Random(seed);
    if (mode.equals("generatePermutation")) {
      Collections.sort(permutation);
      Collections.shuffle(permutation, random);
    }
    Collections.sort(tied);
    String chosen;
    switch (mode) {
      case "random" -> chosen = draw(tied, random);
      case "stopCountingAndAsk" -> chosen = "ask:" + String.join(",", tied);
      case "useCandidateOrder", "generatePermutation" -> {
        List<String> search = new ArrayList<>(permutation);
        if (!winner) {
          Collections.reverse(search);
        }
        chosen = search.stream().filter(tied::contains).findFirst().orElseThrow();
      }
      default -> {
        List<String> contention = tied;
        for (int r = rounds.size() - 1; r >= 0 && contention.size() > 1; r--) {
          SortedMap<BigDecimal, LinkedList<String>> byTally = new TreeMap<>();
          for (String c : new HashSet<>(contention)) {
            byTally.computeIfAbsent(rounds.get(r).get(c), k -> new LinkedList<>()).add(c);
          }
          contention = byTally.get(winner ? byTally.lastKey() : byTally.firstKey());
        }
        if (contention.size() == 1) {
          chosen = contention.get(0);
        } else if (mode.equals("previousRoundCountsThenAsk")) {
          chosen = "ask:" + String.join(",", contention);
        } else {
          chosen = draw(contention, random);
        }
      }
    }
    System.out.println(chosen);
  }

  private static String draw(List<String> names, Random random) {
    double d = random.nextDouble();
    return names.get((int) Math.floor(d * (double) names.size()));
  }
}
