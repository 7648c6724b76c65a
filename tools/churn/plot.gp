# plot.gp: docs/churn.png from the four tables in docs/churn/ (real-churn.sh and sim-table.py
# outputs). Run from the repository root:  gnuplot tools/churn/plot.gp
set terminal pngcairo size 1400,520 font "sans,11"
set output "docs/churn.png"
set datafile commentschars "#"
set key top right
set grid
set xlabel "second of the run"
set xrange [-0.5:19.5]
set yrange [0:*]
set multiplot layout 1,2 title "One new TCP connection per request, concurrency 16: real OVS 3.1 vs MeshSim"
set title "VIP: ct(commit,zone=1,nat(dst=...))"
set ylabel "connections completed per second"
set y2label "SYN retransmits per second"
set y2range [0:40]
set y2tics
# The clean thread's pass 20 s after the datapath came up; the clients start 3 s after it.
set arrow 1 from 17,graph 0 to 17,graph 0.62 nohead dt 3 lc rgb "#555555"
set label 1 "OVS cleaner pass" at 16.8,graph 0.58 right tc rgb "#555555"
plot "docs/churn/real-vip.txt" every ::1 using 1:2 with linespoints lw 2 pt 7 lc rgb "#c0392b" title "real conn/s", \
     "docs/churn/sim-vip.txt" every ::1 using 1:2 with linespoints lw 2 pt 5 lc rgb "#2471a3" title "MeshSim conn/s", \
     "docs/churn/real-vip.txt" every ::1 using 1:4 axes x1y2 with steps lw 1 dt 2 lc rgb "#c0392b" title "real SYN retransmits", \
     "docs/churn/sim-vip.txt" every ::1 using 1:4 axes x1y2 with steps lw 1 dt 2 lc rgb "#2471a3" title "MeshSim SYN retransmits"
set title "NORMAL: actions=NORMAL, no conntrack"
unset arrow 1
unset label 1
unset y2label
unset y2tics
plot "docs/churn/real-normal.txt" every ::1 using 1:2 with linespoints lw 2 pt 7 lc rgb "#c0392b" title "real conn/s", \
     "docs/churn/sim-normal.txt" every ::1 using 1:2 with linespoints lw 2 pt 5 lc rgb "#2471a3" title "MeshSim conn/s"
unset multiplot
